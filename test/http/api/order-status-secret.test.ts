import t from 'tap'
import type { Test } from 'tap'
import { OutboxMessage } from '../../../src/persistence/entities/index.ts'
import { buildTestApp, type TestApp } from '../../helpers/app.ts'
import { assertValidCxml } from '../../helpers/cxml-dtd.ts'
import { addCredential, adminHeaders, createCustomer, postCxml } from '../../helpers/fixtures.ts'
import { orderRequest } from '../../helpers/orders.ts'
import { returnCart, startedSession } from '../../helpers/punchout.ts'
import { cxmlStatusAnswer, receiver } from '../../helpers/receiver.ts'
import { call } from './accounts-helpers.ts'

/**
 * docs/api.md, "Order status" and docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest": the
 * SharedSecret the buyer network gave the supplier is write-only, stored sealed, and put in the
 * Sender of each order-status document as it is posted — the one in force at that moment.
 */

/** With `<`, `&` and `>`: the document carries it escaped. */
const SECRET = 'os-SECRET-<&>-7f3a'
const SECRET_IN_XML = 'os-SECRET-&lt;&amp;&gt;-7f3a'
const SECOND = 'os-SECOND-secret-91c0'
const THIRD = 'os-THIRD-secret-2d55'

const senderSecret = (document: string): string | undefined =>
  /<Sender>\s*<Credential domain="DUNS">\s*<Identity>123456789<\/Identity>\s*<SharedSecret>([^<]*)<\/SharedSecret>\s*<\/Credential>\s*<UserAgent>/.exec(document)?.[1]

async function orderId(app: TestApp, payloadID: string): Promise<string> {
  return (await call(app, 'GET', `/api/orders?payloadID=${encodeURIComponent(payloadID)}`)).json()[0].id
}

/** The tables whose rows hold `value` as text (or as the bytes of a bytea column). */
async function tablesHolding(app: TestApp, value: string): Promise<string[]> {
  const em = app.db.orm.em.fork()
  const tables = await em.execute<Array<{ name: string }>>(
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  )
  const holding: string[] = []
  for (const { name } of tables) {
    const [row] = await em.execute<Array<{ n: number }>>(
      `select count(*)::int as n from "${name}" t where strpos(t::text, ?) > 0 or strpos(t::text, ?) > 0`,
      [value, Buffer.from(value).toString('hex')],
    )
    if (row!.n > 0) holding.push(name)
  }
  return holding
}

t.test('the order-status secret', async (t) => {
  const app = await buildTestApp(t)
  const buyerSystem = await receiver(t)
  await buyerSystem.up()
  buyerSystem.answer = { status: 200, contentType: 'text/xml', body: cxmlStatusAnswer(200, 'OK') }
  const created = await call(app, 'POST', '/api/customers', adminHeaders, { name: 'Acme Corp', slug: 'acme-secret', returnUrlHosts: ['buyer.example.com'], orderStatusUrl: `${buyerSystem.origin}/cxml`, orderStatusSecret: SECRET })
  const acme = created.json()
  await addCredential(app.app, acme.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const { sid } = await startedSession(app.app)
  await returnCart(app.app, sid, [{ sku: 'A-1', quantity: 2, unitPrice: 3.5, currency: 'EUR', description: 'Pen', unitOfMeasure: 'EA' }], 'application/json')
  await postCxml(app.app, orderRequest({ payloadID: 'secret-1@buyer', orderID: 'S-1', lines: [{ sku: 'A-1', quantity: '2', unitPrice: '3.50', aux: `${sid}/1` }] }))
  const id = await orderId(app, 'secret-1@buyer')
  const confirm = async (t: Test) => {
    const res = await call(app, 'POST', `/api/orders/${id}/confirmations`, adminHeaders, { type: 'accept' })
    t.equal(res.statusCode, 202, res.body)
  }
  const lastAudit = async () => (await call(app, 'GET', `/api/audit?action=customer.update&targetId=${acme.id}`)).json().items[0]

  t.test('no answer shows it: the customer view says only that one is set', async (t) => {
    t.equal(created.statusCode, 201, created.body)
    t.equal(acme.hasOrderStatusSecret, true)
    const one = await call(app, 'GET', `/api/customers/${acme.id}`)
    const list = await call(app, 'GET', '/api/customers')
    t.equal(one.json().hasOrderStatusSecret, true)
    for (const body of [created.body, one.body, list.body]) t.notOk(body.includes('os-SECRET'), body)
  })

  t.test('the customer.create audit entry says that one is set, without it', async (t) => {
    const [entry] = (await call(app, 'GET', `/api/audit?action=customer.create&targetId=${acme.id}`)).json().items
    t.equal(entry.after.hasOrderStatusSecret, true)
    t.notOk(JSON.stringify(entry).includes('os-SECRET'))
  })

  t.test('a confirmation is posted with the secret in Sender/Credential after its Identity, valid against the Fulfill DTD', async (t) => {
    await confirm(t)
    t.equal(await app.outbox.worker.runOnce(), 1)
    const sent = buyerSystem.received.at(-1)!.body
    await assertValidCxml(t, sent)
    t.equal(senderSecret(sent), SECRET_IN_XML)
    t.equal(sent.match(/<SharedSecret>/g)!.length, 1, 'only the Sender carries one, not From')
  })

  t.test('the database holds it in no table in clear (nor the outbox row, journal, timeline, audit log), nor do the logs', async (t) => {
    const [message] = await app.db.orm.em.fork().find(OutboxMessage, { orderId: id })
    t.notMatch(message!.body, /SharedSecret/)
    t.same(await tablesHolding(app, SECRET), [])
    t.same(await tablesHolding(app, SECRET_IN_XML), [])
    t.notOk(app.logs.some((line) => line.includes('os-SECRET')))
  })

  t.test('H2 secrets-at-rest: the order-status secret is stored sealed, and a sealed value copied to another customer does not open there', async (t) => {
    const em = app.db.orm.em.fork()
    const [stored] = await em.execute<Array<{ sealed: string }>>('select order_status_secret as sealed from customers where id = ?', [acme.id])
    t.match(stored!.sealed, /^sealed:v1:/)
    const globex = await createCustomer(app.app, { orderStatusUrl: `${buyerSystem.origin}/globex` })
    await addCredential(app.app, globex.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-2', sharedSecret: 's3cret-shared' })
    await postCxml(app.app, orderRequest({ payloadID: 'globex-1@buyer', orderID: 'G-1' }).replaceAll('AN-BUYER-1', 'AN-BUYER-2'))
    await em.execute('update customers set order_status_secret = ? where id = ?', [stored!.sealed, globex.id])
    const globexOrder = await orderId(app, 'globex-1@buyer')
    t.equal((await call(app, 'POST', `/api/orders/${globexOrder}/confirmations`, adminHeaders, { type: 'accept' })).statusCode, 202)
    const received = buyerSystem.received.length
    await app.outbox.worker.runOnce()
    t.equal(buyerSystem.received.length, received, 'nothing was posted')
    const [message] = (await call(app, 'GET', `/api/orders/${globexOrder}`)).json().messages
    t.match(message, { state: 'pending', attempts: 1, lastError: /orderStatusSecret of customer .* cannot be opened/ })
  })

  t.test('cleared (null): the view says none is set, the audit entry says cleared, the next document carries none', async (t) => {
    const res = await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusSecret: null })
    t.equal(res.json().hasOrderStatusSecret, false)
    t.match(await lastAudit(), { before: { hasOrderStatusSecret: true }, after: { hasOrderStatusSecret: false, orderStatusSecret: 'cleared' } })
    await confirm(t)
    await app.outbox.worker.runOnce()
    const sent = buyerSystem.received.at(-1)!.body
    await assertValidCxml(t, sent)
    t.notMatch(sent, /SharedSecret/)
  })

  t.test('a message queued while none was set goes with the secret set before its delivery', async (t) => {
    await confirm(t)
    const res = await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusSecret: SECOND })
    t.equal(res.json().hasOrderStatusSecret, true)
    await app.outbox.worker.runOnce()
    t.equal(senderSecret(buyerSystem.received.at(-1)!.body), SECOND)
  })

  t.test('a retry after the secret was replaced goes with the new one; the audit entry says set, without it', async (t) => {
    buyerSystem.answer = { status: 200, contentType: 'text/xml', body: cxmlStatusAnswer(500, 'Internal Error') }
    await confirm(t)
    await app.outbox.worker.runOnce()
    t.equal(senderSecret(buyerSystem.received.at(-1)!.body), SECOND)
    t.equal((await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusSecret: THIRD })).statusCode, 200)
    const entry = await lastAudit()
    t.match(entry, { before: { hasOrderStatusSecret: true }, after: { hasOrderStatusSecret: true, orderStatusSecret: 'set' } })
    t.notOk(JSON.stringify(entry).includes('os-'), 'neither secret is in the entry')
    buyerSystem.answer = { status: 200, contentType: 'text/xml', body: cxmlStatusAnswer(200, 'OK') }
    app.clock.advance(3600)
    await app.outbox.worker.runOnce()
    t.equal(senderSecret(buyerSystem.received.at(-1)!.body), THIRD)
  })

  t.test('an empty secret or one with control characters is refused and changes nothing', async (t) => {
    for (const secret of ['', 'two\nlines', 'tab\there']) {
      const res = await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusSecret: secret })
      t.equal(res.statusCode, 400, JSON.stringify(secret))
    }
    await confirm(t)
    await app.outbox.worker.runOnce()
    t.equal(senderSecret(buyerSystem.received.at(-1)!.body), THIRD)
  })
})
