/**
 * `npm run bench -- --journal-scale`: support's lists at scale (bench/README.md, "Journal scale").
 * A throw-away PostgreSQL database, migrated like the gateway's, seeded with 1,000,000 sessions,
 * ~10,000,000 events and their journal (bench/journal-seed.ts); then every list query of the
 * API — each filter alone, combinations, a deep keyset page, a scoped actor, a session's detail —
 * is timed through the domain functions the API calls, and each one's statements are shown with
 * EXPLAIN (ANALYZE, BUFFERS). Target: p95 ≤ 50 ms.
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { loadConfig } from '../src/config/index.ts'
import type { Actor } from '../src/domain/audit/audit.ts'
import { encodeCursor } from '../src/domain/journal/cursor.ts'
import { cursorAt } from '../src/domain/journal/keyset.ts'
import { searchRequests } from '../src/domain/journal/requests.ts'
import { searchSessions, sessionDetail } from '../src/domain/journal/sessions.ts'
import type { RequestFilters, SessionFilters } from '../src/domain/journal/views.ts'
import { MEMORY, openDatabase, type Database } from '../src/persistence/database.ts'
import { openBenchDatabase } from './database.ts'
import { atClose } from './harness.ts'
import { seedJournalScale, type SeedCounts } from './journal-seed.ts'
import { machineInfo, printHeader, writeResults } from './report.ts'

export const DEFAULT_JOURNAL_SESSIONS = 1_000_000
const ITERATIONS = 50
const WARM_UP = 3
const TARGET_P95_MS = 50
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres'

interface Case {
  name: string
  run: () => Promise<{ rows: number }>
  /** Shown, not held to the target: a filter combination no index can narrow (bench/README.md). */
  worstCase?: true
}

interface Timed {
  name: string
  rows: number
  p50: number
  p95: number
  max: number
  worstCase: boolean
  plans: string[]
}

export async function runJournalScale(sessions: number): Promise<number> {
  const bench = await openBenchDatabase(process.env.DATABASE_URL ?? DEFAULT_SERVER)
  atClose(() => bench.dispose())
  const url = bench.gatewayEnv.DATABASE_URL!
  const machine = machineInfo(bench.label)
  printHeader(machine, `journal scale: ${sessions.toLocaleString('en')} sessions, ${ITERATIONS} timed runs per query after ${WARM_UP} untimed`)
  const database = await openDatabase(loadConfig({ DATABASE_URL: url, DATA_DIR: MEMORY }))
  atClose(() => database.close())
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  atClose(() => client.end())

  const t0 = Date.now()
  console.log('seeding:')
  const counts = await seedJournalScale(client, sessions, console.log)
  const seedSeconds = Math.round((Date.now() - t0) / 1000)
  console.log(`seeded in ${seedSeconds} s: ${describe(counts)}\n`)

  const statements = captureStatements(database)
  const results: Timed[] = []
  for (const c of await cases(database, client)) {
    const timed = await time(c, statements, client)
    results.push(timed)
    console.log(`── ${timed.name}: ${timed.rows} rows, p50 ${timed.p50.toFixed(2)} ms, p95 ${timed.p95.toFixed(2)} ms`)
    for (const plan of timed.plans) console.log(indent(plan))
  }
  printSummary(results)
  const over = results.filter((r) => r.p95 > TARGET_P95_MS && !r.worstCase)
  console.log(over.length ? `\nOVER THE TARGET (p95 > ${TARGET_P95_MS} ms): ${over.map((r) => r.name).join('; ')}` : `\nevery query but the worst case: p95 ≤ ${TARGET_P95_MS} ms`)
  const file = writeResults('journal-scale', { ...machine, counts, seedSeconds, iterations: ITERATIONS, targetP95Ms: TARGET_P95_MS, results })
  console.log(`results: ${file}`)
  return 0
}

const describe = (c: SeedCounts) =>
  `${c.customers} customers, ${c.users.toLocaleString('en')} buyers, ${c.sessions.toLocaleString('en')} sessions, ` +
  `${c.events.toLocaleString('en')} events, ${c.journal.toLocaleString('en')} journal entries`

/** The statements a domain call sends, as knex sends them (text with $n, and the bound values). */
function captureStatements(database: Database) {
  let recording: Array<{ sql: string; bindings: unknown[] }> | undefined
  database.orm.em.getKnex().on('query', (q: { sql: string; bindings?: unknown[] }) => recording?.push({ sql: q.sql, bindings: q.bindings ?? [] }))
  return {
    async record(run: () => Promise<unknown>) {
      recording = []
      try {
        await run()
        return recording
      } finally {
        recording = undefined
      }
    },
  }
}

async function time(c: Case, statements: ReturnType<typeof captureStatements>, client: pg.Client): Promise<Timed> {
  let rows = 0
  for (let i = 0; i < WARM_UP; i++) rows = (await c.run()).rows
  const ms: number[] = []
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now()
    await c.run()
    ms.push(performance.now() - start)
  }
  ms.sort((a, b) => a - b)
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!
  const plans: string[] = []
  for (const s of await statements.record(c.run)) {
    const explained = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${s.sql}`, s.bindings)
    plans.push(`${oneLine(s.sql)}\n${explained.rows.map((r) => r['QUERY PLAN']).join('\n')}`)
  }
  return { name: c.name, rows, p50: at(0.5), p95: at(0.95), max: ms.at(-1)!, worstCase: c.worstCase ?? false, plans }
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim()
const indent = (text: string) => text.split('\n').map((l) => `    ${l}`).join('\n')

function printSummary(results: Timed[]): void {
  console.log('')
  console.log(`${'query'.padEnd(58)} ${'rows'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`)
  for (const r of results) {
    const name = r.worstCase ? `${r.name} (worst case)` : r.name
    console.log(`${name.padEnd(58)} ${String(r.rows).padStart(5)} ${r.p50.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}`)
  }
}

/** The values the queries search for, read from the seeded data: real customers, users, IDs. */
async function cases(database: Database, client: pg.Client): Promise<Case[]> {
  const one = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as T
  const byVolume = (await client.query<{ id: string; slug: string; n: string }>(
    'select c.id, c.slug, count(*) as n from punchout_sessions s join customers c on c.id = s.customer_id group by c.id, c.slug order by count(*) desc',
  )).rows
  const nearest = (n: number) => byVolume.reduce((a, b) => (Math.abs(Number(b.n) - n) < Math.abs(Number(a.n) - n) ? b : a))
  const [large, medium, small] = [byVolume[0]!, nearest(5000), nearest(200)]
  const heavy = await one<{ user_id: string; email: string }>(
    'select s.user_id, u.email from punchout_sessions s join buyer_users u on u.id = s.user_id group by s.user_id, u.email order by count(*) desc limit 1',
  )
  const sample = await one<{ id: string; payload_id: string; buyer_cookie: string }>(
    `select id, payload_id, buyer_cookie from punchout_sessions where status = 'cart_returned' and protocol = 'cxml' order by id limit 1`,
  )
  const orphan = await one<{ payload_id: string; request_id: string }>(`select payload_id, request_id from journal_entries where session_id is null order by request_id limit 1`)
  const total = Number((await one<{ n: string }>('select count(*) as n from punchout_sessions')).n)
  const deep = (where: string, offset: number, params: unknown[] = []) =>
    one<{ at: string; id: string }>(`select ${cursorAt('created_at')} as at, id from punchout_sessions ${where} order by created_at desc, id desc offset ${Math.floor(offset)} limit 1`, params)
  const deepAll = encodeCursor('sessions', await deep('', total / 2))
  const deepLarge = encodeCursor('sessions', await deep('where customer_id = $1', Number(large.n) / 2, [large.id]))
  const deepJournal = await one<{ at: string; id: string }>(`select ${cursorAt('at')} as at, id::text from journal_entries order by at desc, id desc offset ${Math.floor(total)} limit 1`)
  const day = new Date(Date.now() - 180 * 86_400_000)
  const window = { from: day, to: new Date(day.getTime() + 86_400_000) }
  // The busiest buyer's whole email: one person. A common surname: a few % of buyers.
  const narrowQ = heavy.email
  const broadQ = 'Schmidt'

  const admin: Actor = { name: 'bench', role: 'admin', customerIds: null }
  const scoped: Actor = { name: 'bench-scoped', role: 'support', customerIds: [large.id, medium.id, small.id] }
  const single: Actor = { name: 'bench-one', role: 'support', customerIds: [medium.id] }
  const em = () => database.orm.em.fork()
  const sessions = (name: string, filters: SessionFilters, cursor?: string, actor = admin): Case => ({
    name: `sessions: ${name}`,
    run: async () => ({ rows: (await searchSessions(em(), actor, filters, { limit: 50, ...(cursor ? { cursor } : {}) })).items.length }),
  })
  const requests = (name: string, filters: RequestFilters, cursor?: string): Case => ({
    name: `requests: ${name}`,
    run: async () => ({ rows: (await searchRequests(em(), admin, filters, { limit: 50, ...(cursor ? { cursor } : {}) })).items.length }),
  })
  return [
    sessions('no filter, first page', {}),
    sessions('no filter, deep page (middle of the table)', {}, deepAll),
    sessions(`customer, the largest (${Number(large.n).toLocaleString('en')})`, { customer: large.slug }),
    sessions(`customer, medium (${medium.n})`, { customer: medium.id }),
    sessions(`customer, small (${small.n})`, { customer: small.id }),
    sessions('customer, the largest, deep page', { customer: large.id }, deepLarge),
    sessions('user, the busiest buyer', { user: heavy.user_id }),
    sessions('status failed', { status: 'failed' }),
    sessions('status expired', { status: 'expired' }),
    sessions('failure code PG_ERR_USER_UNKNOWN', { failureCode: 'PG_ERR_USER_UNKNOWN' }),
    sessions('protocol oci', { protocol: 'oci' }),
    sessions('operation inspect', { operation: 'inspect' }),
    sessions('operation source', { operation: 'source' }),
    sessions('time range, one day', window),
    sessions('payloadID', { payloadId: sample.payload_id }),
    sessions('BuyerCookie', { buyerCookie: sample.buyer_cookie }),
    sessions(`q, one buyer's email ("${narrowQ}")`, { q: narrowQ }),
    sessions(`q, a common surname ("${broadQ}")`, { q: broadQ }),
    sessions('customer largest + status failed', { customer: large.id, status: 'failed' }),
    sessions('customer medium + time range (one day)', { customer: medium.id, ...window }),
    sessions('status failed + failure code + 30 days', { status: 'failed', failureCode: 'PG_ERR_ROLE_REJECTED', from: new Date(Date.now() - 30 * 86_400_000) }),
    sessions(`customer medium + q "${broadQ}"`, { customer: medium.id, q: broadQ }),
    sessions('protocol oci + operation source', { protocol: 'oci', operation: 'source' }),
    // No index holds protocol or operation: a pair that never occurs reads the whole time index.
    { ...sessions('protocol oci + operation edit, no such session', { protocol: 'oci', operation: 'edit' }), worstCase: true },
    sessions('scoped to 3 customers, no filter', {}, undefined, scoped),
    sessions('scoped to 3 customers, status failed', { status: 'failed' }, undefined, scoped),
    sessions('scoped to 1 customer, q', { q: broadQ }, undefined, single),
    { name: 'session detail (timeline, requests, carts)', run: async () => ({ rows: (await sessionDetail(em(), admin, sample.id)).timeline.length }) },
    requests('no filter, first page', {}),
    requests('no filter, deep page', {}, encodeCursor('requests', deepJournal)),
    requests('payloadID of a request with no session', { payloadId: orphan.payload_id }),
    requests('request id (support reference)', { requestId: orphan.request_id }),
    requests('outcome refused', { outcome: 'refused' }),
    requests('outcome malformed', { outcome: 'malformed' }),
    requests('error code PG_ERR_AUTH_BAD_SECRET', { errorCode: 'PG_ERR_AUTH_BAD_SECRET' }),
    requests('channel cart', { channel: 'cart' }),
    requests('customer, the largest', { customer: large.id }),
    requests('customer largest + outcome refused', { customer: large.id, outcome: 'refused' }),
    requests('time range, one day', window),
  ]
}
