import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import t from 'tap'
import { SLA_RESPONSE_HOURS } from '../../src/domain/customers/sla.ts'
import { RetentionJob } from '../../src/domain/retention/retention.ts'
import { Cart, JournalEntry } from '../../src/persistence/entities/index.ts'
import { RETENTION_LOCK, SqlRetentionStore } from '../../src/persistence/retention-store.ts'
import { buildTestApp, usingPostgres, type TestApp } from '../helpers/app.ts'
import { adminHeaders, addCredential, createCustomer, cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'
import { receiver } from '../helpers/receiver.ts'
import { returnCart, startedSession } from '../helpers/punchout.ts'

const DAY = 24 * 60 * 60
const ITEMS = [{ sku: 'GLV-NIT-L', quantity: 2, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, size L', unitOfMeasure: 'BX' }]

const sql = <T = Record<string, unknown>>(app: TestApp, text: string, params: unknown[] = []): Promise<T[]> =>
  app.db.orm.em.fork().getConnection().execute(text, params)

/** Every timestamp retention reads, set to the test clock's now (the journal stamps real time). */
async function stampAll(app: TestApp): Promise<void> {
  await sql(app, 'update journal_entries set at = ?', [app.clock.now])
  await sql(app, 'update carts set created_at = ?', [app.clock.now])
}

/** A customer with its retention period and a cXML credential of its own. */
async function customerKeeping(app: TestApp, days: number, identity: string) {
  const customer = await createCustomer(app.app, { retentionDays: days })
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity, sharedSecret: 's3cret-shared' })
  return customer
}

/** A punchout of the customer with that credential, up to its returned cart. */
async function punchout(app: TestApp, identity: string): Promise<string> {
  const { sid } = await startedSession(app.app, { from: [['NetworkID', identity]] })
  const res = await returnCart(app.app, sid, ITEMS)
  if (res.statusCode !== 200) throw new Error(`cart return: ${res.body}`)
  return sid
}

const journalOf = (app: TestApp, customerId: string | null) => app.db.orm.em.fork().find(JournalEntry, { customerId })
const cartOf = (app: TestApp, sessionId: string) => app.db.orm.em.fork().findOneOrFail(Cart, { sessionId })

t.test('customers carry a retention period and an SLA tier, set through the admin API', async (t) => {
  const app = await buildTestApp(t)
  const plain = await createCustomer(app.app)
  t.match(plain, { retentionDays: 90, slaTier: 3, tier: 'standard' }, 'defaults: 90 days, tier 3; the free-text tier is unchanged')
  const gold = await createCustomer(app.app, { retentionDays: 30, slaTier: 1 })
  t.match(gold, { retentionDays: 30, slaTier: 1 })
  const patched = await app.app.inject({ method: 'PATCH', url: `/api/customers/${gold.id}`, headers: adminHeaders, payload: { slaTier: 2, retentionDays: 3650 } })
  t.equal(patched.statusCode, 200)
  t.match(patched.json(), { retentionDays: 3650, slaTier: 2 })
  for (const payload of [{ retentionDays: 0 }, { retentionDays: 3651 }, { retentionDays: 1.5 }, { slaTier: 4 }, { slaTier: '1' }]) {
    const res = await app.app.inject({ method: 'PATCH', url: `/api/customers/${gold.id}`, headers: adminHeaders, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
  }
  const read = await app.app.inject({ method: 'GET', url: `/api/customers/${gold.id}`, headers: adminHeaders })
  t.match(read.json(), { retentionDays: 3650, slaTier: 2 }, 'refused changes changed nothing')
  t.same(SLA_RESPONSE_HOURS, { 1: 2, 2: 4, 3: 24 }, 'tier 1: 2 h, tier 2: 4 h, tier 3: 24 h')
})

t.test('retention purges raw payloads by each customer\'s period and keeps the records', async (t) => {
  const app = await buildTestApp(t)
  const short = await customerKeeping(app, 30, 'AN-SHORT')
  const long = await customerKeeping(app, 365, 'AN-LONG')
  const shortSid = await punchout(app, 'AN-SHORT')
  const longSid = await punchout(app, 'AN-LONG')
  // No customer: an unknown OCI login, journaled with its query string (password masked).
  await app.app.inject({ method: 'GET', url: '/punchout/oci?USERNAME=nobody&PASSWORD=pw&USER_EMAIL=jane%40buyer.example.com' })
  await stampAll(app)
  const counts = async () => (await sql<{ j: number; s: number; e: number; c: number }>(app,
    'select (select count(*)::int from journal_entries) as j, (select count(*)::int from punchout_sessions) as s, (select count(*)::int from session_events) as e, (select count(*)::int from carts) as c'))[0]!
  const before = await counts()

  t.test('nothing is purged within every period', async (t) => {
    app.clock.advance(29 * DAY)
    const report = await app.retention.job.run()
    t.match(report, { journalEntries: 0, carts: 0, skipped: false })
  })

  t.test('a customer\'s payloads older than its period are purged and marked; newer ones are kept', async (t) => {
    app.clock.advance(2 * DAY)
    const report = await app.retention.job.run()
    t.match(report, { journalEntries: (await journalOf(app, short.id)).length, carts: 1, skipped: false })
    for (const row of await journalOf(app, short.id)) {
      t.equal(row.requestBody, null)
      t.equal(row.responseBody, null)
      t.same(row.payloadPurgedAt, app.clock.now, 'marked with the run\'s time')
    }
    t.match(await cartOf(app, shortSid), { document: null, payloadPurgedAt: app.clock.now, lines: [{ sku: 'GLV-NIT-L' }] }, 'the cart keeps its lines')
    for (const row of await journalOf(app, long.id)) t.equal(row.payloadPurgedAt, null, 'a customer keeping 365 days keeps its payloads')
    t.ok((await journalOf(app, long.id)).some((row) => row.requestBody !== null))
    t.match(await cartOf(app, longSid), { payloadPurgedAt: null, document: /PunchOutOrderMessage/ })
    t.same((await journalOf(app, null)).map((r) => r.payloadPurgedAt), [null], 'no customer: the default 90 days')
    t.same(await counts(), before, 'journal rows, sessions, their events and carts are all kept')
    t.match(app.logs.join('\n'), /retention: purged the payloads of \d+ journal entries, 1 carts and 0 outbox messages/)
  })

  t.test('entries without a customer use the gateway default, and lose their query string', async (t) => {
    app.clock.advance(60 * DAY)
    const report = await app.retention.job.run()
    t.match(report, { journalEntries: 1, carts: 0 })
    const [row] = await journalOf(app, null)
    t.match(row, { requestBody: null, responseBody: null, path: '/punchout/oci', payloadPurgedAt: app.clock.now })
    t.notMatch(JSON.stringify(await sql(app, 'select * from journal_entries')), /jane%40buyer/)
    t.ok((await journalOf(app, long.id)).every((r) => r.payloadPurgedAt === null), 'still within 365 days')
  })

  t.test('the API and the console say when a payload was purged', async (t) => {
    const [row] = await journalOf(app, short.id)
    const api = await app.app.inject({ method: 'GET', url: `/api/requests/${row!.id}`, headers: adminHeaders })
    t.match(api.json(), { requestBody: null, responseBody: null, payloadPurgedAt: row!.payloadPurgedAt!.toISOString() })
    const kept = (await journalOf(app, long.id)).find((r) => r.requestBody !== null)!
    t.match((await app.app.inject({ method: 'GET', url: `/api/requests/${kept.id}`, headers: adminHeaders })).json(), { payloadPurgedAt: null })
  })

  t.test('a purged payload is not purged again', async (t) => {
    const report = await app.retention.job.run()
    t.match(report, { journalEntries: 0, carts: 0 })
  })
})

t.test('outbox messages delivered lose their body after the customer\'s period; pending ones keep it', async (t) => {
  const storefront = await receiver(t)
  await storefront.up()
  const app = await buildTestApp(t, { STOREFRONT_ORDER_URL: `${storefront.origin}/orders`, STOREFRONT_ORDER_TOKEN: 'storefront-order-token-0123456789' })
  // OrderRequests of the test helper come from AN-BUYER-1.
  await customerKeeping(app, 30, 'AN-BUYER-1')
  const order = (payloadID: string) => postCxml(app.app, orderRequest({ payloadID, orderID: payloadID, lines: [{ sku: 'A-1', quantity: '1', unitPrice: '1.00' }] }))
  t.equal(cxmlAnswer((await order('kept-1@buyer')).body).code, 200)
  t.equal(await app.outbox.worker.runOnce(), 1)
  await storefront.down()
  t.equal(cxmlAnswer((await order('kept-2@buyer')).body).code, 200)
  const messages = () => sql<{ state: string; body: string | null; payload_purged_at: Date | null }>(app, 'select m.state, m.body, m.payload_purged_at from outbox_messages m join orders o on o.id = m.order_id order by o.payload_id')
  app.clock.advance(29 * DAY)
  t.match(await app.retention.job.run(), { outboxMessages: 0 })
  app.clock.advance(2 * DAY)
  t.match(await app.retention.job.run(), { outboxMessages: 1 })
  const [delivered, pending] = await messages()
  t.match(delivered, { state: 'delivered', body: null })
  t.equal(new Date(delivered!.payload_purged_at!).getTime(), app.clock.now.getTime(), 'marked with the run\'s time')
  t.match(pending, { state: 'pending', body: /kept-2@buyer/, payload_purged_at: null }, 'a message still to deliver keeps what it delivers')
})

t.test('spent single-use keys are deleted, live ones kept', async (t) => {
  const app = await buildTestApp(t)
  const at = (seconds: number) => new Date(app.clock.now.getTime() + seconds * 1000)
  await sql(app, 'insert into single_use_keys (key, expires_at) values (?, ?), (?, ?)', ['assert:spent', at(-1), 'assert:live', at(60)])
  const report = await app.retention.job.run()
  t.equal(report.singleUseKeys, 1)
  t.same((await sql<{ key: string }>(app, 'select key from single_use_keys')).map((r) => r.key), ['assert:live'])
})

t.test('a backlog larger than one batch is purged, batch by batch', async (t) => {
  const app = await buildTestApp(t)
  await sql(app, `insert into journal_entries (at, channel, method, path, request_id, http_status, outcome, request_body, request_size, response_body, duration_ms)
                  select ?, 'cxml', 'POST', '/punchout/cxml', 'r' || n, 401, 'refused', '\\x3c63584d4c2f3e'::bytea, 8, '<cXML/>', 1 from generate_series(1, 5) as n`, [app.clock.now])
  app.clock.advance(91 * DAY)
  const job = new RetentionJob(new SqlRetentionStore(app.db.orm, app.db.embedded), { defaultDays: 90, now: () => app.clock.now, batchSize: 2 })
  const report = await job.run()
  t.equal(report.journalEntries, 5)
  t.equal(report.batches, 6, 'journal 2 + 2 + 1, then one batch each for carts, outbox messages and keys')
  t.same(await sql(app, 'select count(*)::int as n from journal_entries where request_body is not null or payload_purged_at is null'), [{ n: 0 }])
})

t.test('the schedule runs when the server listens and stops when it closes', async (t) => {
  const app = await buildTestApp(t)
  await sql(app, 'insert into single_use_keys (key, expires_at) values (?, ?)', ['assert:spent', new Date(app.clock.now.getTime() - 1000)])
  const schedule = app.retention.schedule!
  t.ok(schedule, 'RETENTION_INTERVAL_SECONDS defaults to an hour')
  const ran = schedule.nextRun()
  await app.app.listen({ host: '127.0.0.1', port: 0 })
  await ran
  t.same(await sql(app, 'select count(*)::int as n from single_use_keys'), [{ n: 0 }], 'the first run is at start')
  t.ok(schedule.scheduled, 'the next run waits for its timer')
  await app.app.close()
  t.notOk(schedule.scheduled, 'closing the app clears the timer')
})

t.test('RETENTION_INTERVAL_SECONDS=0 schedules nothing', async (t) => {
  const app = await buildTestApp(t, { RETENTION_INTERVAL_SECONDS: '0' })
  t.equal(app.retention.schedule, undefined)
})

t.test('on PostgreSQL, a run is skipped while another process holds the retention lock', { skip: !usingPostgres() && 'PostgreSQL only' }, async (t) => {
  const app = await buildTestApp(t)
  await sql(app, 'insert into single_use_keys (key, expires_at) values (?, ?)', ['assert:spent', new Date(app.clock.now.getTime() - 1000)])
  const other = new pg.Client({ connectionString: app.deps.config.databaseUrl })
  await other.connect()
  t.teardown(() => other.end())
  await other.query('select pg_advisory_lock(hashtext($1))', [RETENTION_LOCK])
  const skipped = await app.retention.job.run()
  t.match(skipped, { skipped: true, singleUseKeys: 0 })
  t.same(await sql(app, 'select count(*)::int as n from single_use_keys'), [{ n: 1 }], 'nothing was purged')
  t.match(app.logs.join('\n'), /retention: skipped, another process is running it/)
  await other.query('select pg_advisory_unlock(hashtext($1))', [RETENTION_LOCK])
  t.match(await app.retention.job.run(), { skipped: false, singleUseKeys: 1 })
})

t.test('`punchgate retention run` runs once and prints what it purged', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'punchgate-retention-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const app = await buildTestApp(t, usingPostgres() ? {} : { DATA_DIR: dir })
  // The command runs on the real clock.
  await sql(app, 'insert into single_use_keys (key, expires_at) values (?, ?)', ['assert:spent', new Date(Date.now() - 1000)])
  const config = app.deps.config
  // An embedded database belongs to one process at a time.
  await app.app.close()
  const env = { PATH: process.env.PATH, ...(config.databaseUrl ? { DATABASE_URL: config.databaseUrl } : { DATA_DIR: dir }) }
  const cli = path.resolve(import.meta.dirname, '../../src/cli/punchgate.ts')
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', cli, 'retention', 'run'], { env })
  t.match(stdout, /^retention: purged the payloads of 0 journal entries, 0 carts and 0 outbox messages, deleted 1 spent single-use keys \(4 batches, \d+ ms\)\n$/)
})
