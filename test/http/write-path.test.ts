import t from 'tap'
import { BuyerUser, JournalEntry, PunchoutSession, SessionEvent } from '../../src/persistence/entities/index.ts'
import { buildTestApp, usingPostgres } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'

/**
 * Decide, then write once (docs/architecture.md, "The write path"): the session, its user and
 * the answer's journal row are one write. When that write fails, nothing of the decision exists
 * and the caller gets a retryable 503.
 */
t.test('a setup whose write fails leaves no session and no user, and answers a retryable cXML 503', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  // The journal refuses successful cXML answers only: the write of the decision fails as a whole.
  await db.orm.em.fork().execute(`alter table journal_entries add constraint refuse_ok_cxml check (channel <> 'cxml' or http_status <> 200)`)
  const res = await postCxml(app, setupRequest({ payloadID: 'write-fails@buyer' }))
  t.equal(res.statusCode, 503)
  t.equal(cxmlAnswer(res.body).code, 503)
  t.equal(res.headers['retry-after'], '5')
  const em = db.orm.em.fork()
  t.equal(await em.count(PunchoutSession, {}), 0, 'no session')
  t.equal(await em.count(BuyerUser, {}), 0, 'no user')
  const journal = await em.find(JournalEntry, { payloadId: 'write-fails@buyer' })
  t.match(journal, [{ httpStatus: 503, errorCode: 'PG_ERR_UNAVAILABLE', sessionId: null }], 'the 503 itself is journaled, linked to no session')
})

t.test('a start link whose write fails stays unused: the buyer can open it again', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const path = new URL(cxmlAnswer((await postCxml(app, setupRequest())).body).startPage!).pathname
  const em = () => db.orm.em.fork()
  await em().execute(`alter table journal_entries add constraint refuse_start check (channel <> 'start' or http_status <> 302)`)
  t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 503)
  t.equal((await em().findOneOrFail(PunchoutSession, { customerId: customer.id })).status, 'provisioned', 'not claimed')
  await em().execute('alter table journal_entries drop constraint refuse_start')
  t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 302)
  t.equal((await em().findOneOrFail(PunchoutSession, { customerId: customer.id })).status, 'started')
})

t.test('concurrent opens of one start link: one redirect, the others refused as reuse, all journaled', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const path = new URL(cxmlAnswer((await postCxml(app, setupRequest())).body).startPage!).pathname
  const answers = await Promise.all(Array.from({ length: 10 }, () => app.inject({ method: 'GET', url: path })))
  t.same(answers.map((a) => a.statusCode).sort(), [302, 410, 410, 410, 410, 410, 410, 410, 410, 410])
  const journal = await db.orm.em.fork().find(JournalEntry, { channel: 'start' })
  t.equal(journal.length, 10)
  t.equal(journal.filter((j) => j.httpStatus === 302).length, 1)
})

t.test('a renamed buyer is matched under the name the request gives (timeline and user row)', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  await postCxml(app, setupRequest({ extrinsics: [['UserEmail', 'jane@buyer.example.com'], ['UniqueName', 'jane']] }))
  await postCxml(app, setupRequest({ payloadID: 'renamed@buyer', extrinsics: [['UserEmail', 'jane@buyer.example.com'], ['UniqueName', 'jane.doe']] }))
  const em = db.orm.em.fork()
  const session = await em.findOneOrFail(PunchoutSession, { payloadId: 'renamed@buyer' })
  const matched = await em.findOneOrFail(SessionEvent, { sessionId: session.id, type: 'user.matched' })
  t.equal(matched.data.uniqueName, 'jane.doe')
  t.equal((await em.findOneOrFail(BuyerUser, { id: session.userId! })).uniqueName, 'jane.doe')
})

t.test('on a PostgreSQL whose default isolation is REPEATABLE READ, concurrent first setups sharing an email still make one user', { skip: !usingPostgres() && 'PostgreSQL only' }, async (t) => {
  const first = await buildTestApp(t)
  const [{ name }] = await first.db.orm.em.fork().getConnection().execute<Array<{ name: string }>>('select current_database() as name')
  await first.db.orm.em.fork().getConnection().execute(`alter database "${name}" set default_transaction_isolation to 'repeatable read'`)
  // A second gateway on the same database: its connections start with the new default.
  const { app, db } = await buildTestApp(t, { DATABASE_URL: first.deps.config.databaseUrl! })
  const [setting] = await db.orm.em.fork().getConnection().execute<Array<{ config: string[] }>>(
    'select setconfig as config from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase where d.datname = current_database()')
  t.same(setting!.config, ['default_transaction_isolation=repeatable read'], 'the server default the gateway must not rely on')
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    postCxml(app, setupRequest({ extrinsics: [['UniqueName', `alias-${i}`], ['UserEmail', 'shared@buyer.example.com']] }))))
  t.same(answers.map((a) => cxmlAnswer(a.body).code), [200, 200, 200, 200, 200, 200])
  t.equal(await db.orm.em.fork().count(BuyerUser, { customerId: customer.id }), 1)
})
