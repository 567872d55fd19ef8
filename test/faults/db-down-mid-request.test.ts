/**
 * Security plan G2 `db-down-mid-request` (docs/security.md): the gateway's database connections
 * are killed (pg_terminate_backend) while setups are in flight. Each setup is answered 200 or a
 * retryable cXML 503 — never a 500; no user exists without the session that created it and no
 * session without its journal row; a retry of a refused payloadID succeeds, once.
 * PostgreSQL only: the embedded database has no connections to kill.
 */
import t from 'tap'
import pg from 'pg'
import { buildTestApp, usingPostgres } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'

const skip = !usingPostgres() && 'PostgreSQL only (TEST_DATABASE_URL): the embedded database has no connections to kill'

t.test('G2 db-down-mid-request: connections killed under in-flight setups answer 503 or 200, leave no partial rows, and a retry succeeds once', { skip }, async (t) => {
  const { app, deps } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const database = new URL(deps.config.databaseUrl!).pathname.slice(1)
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
  await admin.connect()
  t.teardown(() => admin.end())
  const setup = (i: number) => postCxml(app, setupRequest({ payloadID: `mid-${i}@buyer`, extrinsics: [['UserEmail', `mid${i}@buyer.example.com`], ['UniqueName', `mid${i}`]] }))

  const answers = new Map<number, number>()
  for (let round = 0; round < 3; round++) {
    const batch = Array.from({ length: 12 }, (_, k) => round * 12 + k)
    let settled = false
    const inFlight = Promise.all(batch.map(async (i) => answers.set(i, cxmlAnswer((await setup(i)).body).code))).finally(() => (settled = true))
    // Kill the connections again and again while the batch runs, so that some die mid-statement.
    while (!settled) {
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [database])
      await new Promise((resolve) => setTimeout(resolve, 2 + round * 3))
    }
    await inFlight
  }
  const codes = [...answers.values()]
  t.same(codes.filter((c) => c !== 200 && c !== 503), [], 'every answer is 200 or a retryable 503')

  const scoped = new pg.Client({ connectionString: deps.config.databaseUrl })
  await scoped.connect()
  t.teardown(() => scoped.end())
  const count = async (sql: string) => Number((await scoped.query(sql)).rows[0].n)
  t.equal(await count('select count(*) as n from buyer_users u where not exists (select 1 from punchout_sessions s where s.user_id = u.id)'), 0, 'no user without its session')
  t.equal(await count(`select count(*) as n from punchout_sessions s where not exists (select 1 from journal_entries j where j.session_id = s.id)`), 0, 'no session without its journal row')

  for (const [i, code] of answers) {
    if (code === 200) continue
    t.equal(cxmlAnswer((await setup(i)).body).code, 200, `retry of mid-${i}`)
  }
  const sessions = await count(`select count(*) as n from punchout_sessions where payload_id like 'mid-%'`)
  t.equal(sessions, answers.size, 'one session per payloadID')
  t.equal(await count(`select count(*) as n from (select payload_id from punchout_sessions group by payload_id having count(*) > 1) d`), 0, 'none twice')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})
