/**
 * `db-restart`: PostgreSQL stops and comes back while setups stream in
 * (docs/operations.md, "When the database is unavailable"). The gateway is not restarted. While
 * the server is gone every setup is answered 503 with a retryable cXML Status; once it is back,
 * setups succeed again; and every setup that got a 200 is in the journal with its session and its
 * user — nothing acknowledged is lost, and no user exists without the session that created it.
 * Runs on a PostgreSQL server of its own (test/helpers/private-postgres.ts), in the PostgreSQL suite.
 */
import t from 'tap'
import { buildTestApp, usingPostgres, type TestApp } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { startPrivatePostgres, unavailable, type PrivatePostgres } from '../helpers/private-postgres.ts'

// The test brings its own server, so one suite runs it: the PostgreSQL one.
const skip = !usingPostgres() ? 'runs with the PostgreSQL suite (TEST_DATABASE_URL)' : unavailable()

interface Outcome {
  payloadID: string
  status: number
  code: number
  retryAfter?: string
}

/** Setups from `workers` concurrent clients, each of a new buyer, until `until()` says stop. */
async function stream(app: TestApp['app'], workers: number, until: () => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  let n = 0
  await Promise.all(Array.from({ length: workers }, async () => {
    while (!until()) {
      const i = ++n
      const payloadID = `restart-${i}@buyer`
      const res = await postCxml(app, setupRequest({ payloadID, extrinsics: [['UserEmail', `buyer${i}@buyer.example.com`], ['UniqueName', `buyer${i}`]] }))
      outcomes.push({ payloadID, status: res.statusCode, code: cxmlAnswer(res.body).code, ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}) })
    }
  }))
  return outcomes
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('G3 db-restart: PostgreSQL stops and starts again under a stream of setups', { skip }, async (t) => {
  const pg: PrivatePostgres = await startPrivatePostgres()
  t.teardown(() => pg.dispose())
  const gateway = await buildTestApp(t, { DATABASE_URL: pg.url })
  const { app, db } = gateway
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })

  for (const mode of ['immediate', 'fast'] as const) {
    await t.test(`stopped with -m ${mode}`, async (t) => {
      let done = false
      const running = stream(app, 4, () => done)
      await sleep(1500)
      await pg.stop(mode)
      const down = await postCxml(app, setupRequest({ payloadID: `while-down-${mode}@buyer`, extrinsics: [['UniqueName', `down-${mode}`]] }))
      await sleep(1500)
      await pg.start()
      // Until the gateway has answered setups again (10 since the server came back), or 20 s.
      let answeredAfter = 0
      const deadline = Date.now() + 20_000
      while (Date.now() < deadline && answeredAfter < 10) {
        const probe = await postCxml(app, setupRequest({ payloadID: `probe-${mode}-${answeredAfter}-${Date.now()}@buyer`, extrinsics: [['UniqueName', `probe-${mode}`]] }))
        if (probe.statusCode === 200) answeredAfter++
        else await sleep(250)
      }
      done = true
      const outcomes = await running

      t.equal(down.statusCode, 503, 'a setup while the database is down is answered 503')
      t.equal(cxmlAnswer(down.body).code, 503, '… with a cXML Status 503')
      t.match(cxmlAnswer(down.body).detail, /PG_ERR_UNAVAILABLE/, '… naming PG_ERR_UNAVAILABLE')
      t.equal(down.headers['retry-after'], '5', '… and Retry-After')
      t.equal(answeredAfter, 10, 'setups succeed again without restarting the gateway')

      const statuses = new Map<number, number>()
      for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1)
      t.same([...statuses.keys()].filter((s) => s !== 200 && s !== 503), [], `every answer is 200 or 503 (${JSON.stringify(Object.fromEntries(statuses))})`)
      t.ok(outcomes.every((o) => o.status !== 503 || (o.code === 503 && o.retryAfter === '5')), 'every 503 is a retryable cXML Status')

      const acknowledged = outcomes.filter((o) => o.status === 200).map((o) => o.payloadID)
      t.ok(acknowledged.length > 0, 'setups were acknowledged around the outage')
      const conn = db.orm.em.fork().getConnection()
      const journaled = await conn.execute<Array<{ payload_id: string }>>(
        `select j.payload_id from journal_entries j join punchout_sessions s on s.id = j.session_id join buyer_users u on u.id = s.user_id
          where j.outcome = 'ok' and j.payload_id in (?)`, [acknowledged])
      t.equal(new Set(journaled.map((r) => r.payload_id)).size, acknowledged.length, 'every acknowledged setup has its journal row, session and user')
      const orphans = await conn.execute<Array<{ n: number }>>(
        'select count(*)::int as n from buyer_users u where not exists (select 1 from punchout_sessions s where s.user_id = u.id)')
      t.equal(orphans[0]!.n, 0, 'no user without the session that created it')
    })
  }
})
