import t from 'tap'
import { JournalEntry, Order, OrderLine, PunchoutSession, SessionEvent } from '../../src/persistence/entities/index.ts'
import { buildTestApp, usingPostgres } from '../helpers/app.ts'
import { assertValidCxml } from '../helpers/cxml-dtd.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'
import { returnCart, startedSession } from '../helpers/punchout.ts'

t.test('OrderRequest intake', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const em = () => db.orm.em.fork()

  t.test('a new order is answered 200 (valid against the DTD) and stored with exact lines', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'po-1@buyer', orderID: 'PO-1', total: '7.00', lines: [{ sku: 'A-1', quantity: '2', unitPrice: '3.5' }] }))
    t.equal(res.statusCode, 200)
    t.equal(cxmlAnswer(res.body).code, 200)
    await assertValidCxml(t, res.body)
    const order = await em().findOneOrFail(Order, { customerId: customer.id, payloadId: 'po-1@buyer' })
    t.match(order, { orderId: 'PO-1', type: 'new', status: 'received', total: '7.0000', currency: 'EUR', comments: 'Deliver to dock 4', sessionId: null })
    const lines = await em().find(OrderLine, { orderId: order.id })
    t.match(lines, [{ position: 1, lineNumber: 1, sku: 'A-1', quantity: '2.000000', unitPrice: '3.5000', currency: 'EUR', unitOfMeasure: 'EA' }])
  })

  t.test('the raw document is the journal row written with the order, SharedSecret masked', async (t) => {
    const order = await em().findOneOrFail(Order, { payloadId: 'po-1@buyer' })
    const entry = await em().findOneOrFail(JournalEntry, { id: order.journalEntryId! })
    t.equal(entry.payloadId, 'po-1@buyer')
    t.equal(entry.customerId, customer.id)
    t.equal(entry.protocolStatus, 200)
    const raw = Buffer.from(entry.requestBody!).toString('utf8')
    t.match(raw, /<SharedSecret>\*\*\*<\/SharedSecret>/)
    t.notMatch(raw, /s3cret-shared/)
  })

  t.test('B3 replay-payloadid-same-body: a repeated payloadID gets the same answer and creates no second order', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'po-1@buyer', orderID: 'PO-1', total: '7.00', lines: [{ sku: 'A-1', quantity: '2', unitPrice: '3.5' }] }))
    t.equal(cxmlAnswer(res.body).code, 200)
    t.equal(await em().count(Order, { payloadId: 'po-1@buyer' }), 1)
    t.equal(await em().count(JournalEntry, { payloadId: 'po-1@buyer' }), 2, 'each request journaled')
  })

  t.test('a second payload with type="new" for a known orderID is 409 and changes nothing', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'po-1-again@buyer', orderID: 'PO-1' }))
    t.equal(res.statusCode, 409)
    const answer = cxmlAnswer(res.body)
    t.equal(answer.code, 409)
    t.match(answer.detail, /Order PO-1 was already received with payloadID po-1@buyer.*type="update"/)
    t.match(answer.detail, /PG_ERR_ORDER_CONFLICT/)
    t.equal(await em().count(Order, { orderId: 'PO-1' }), 1)
    const entry = await em().findOneOrFail(JournalEntry, { payloadId: 'po-1-again@buyer' })
    t.match(entry, { outcome: 'refused', errorCode: 'PG_ERR_ORDER_CONFLICT', customerId: customer.id })
  })

  t.test('type="update" replaces the earlier version; type="delete" cancels the order', async (t) => {
    const updated = await postCxml(app, orderRequest({ payloadID: 'po-1-v2@buyer', orderID: 'PO-1', type: 'update', total: '10.50', lines: [{ sku: 'A-1', quantity: '3', unitPrice: '3.5' }] }))
    t.equal(cxmlAnswer(updated.body).code, 200)
    t.match(await em().findOneOrFail(Order, { payloadId: 'po-1@buyer' }), { status: 'replaced' })
    t.match(await em().findOneOrFail(Order, { payloadId: 'po-1-v2@buyer' }), { status: 'received', type: 'update', total: '10.5000' })
    const deleted = await postCxml(app, orderRequest({ payloadID: 'po-1-del@buyer', orderID: 'PO-1', type: 'delete' }))
    t.equal(cxmlAnswer(deleted.body).code, 200)
    t.match(await em().findOneOrFail(Order, { payloadId: 'po-1-v2@buyer' }), { status: 'cancelled' })
    t.match(await em().findOneOrFail(Order, { payloadId: 'po-1-del@buyer' }), { status: 'cancelled', type: 'delete' })
    const again = await postCxml(app, orderRequest({ payloadID: 'po-1-v3@buyer', orderID: 'PO-1', type: 'update' }))
    t.equal(again.statusCode, 409)
    t.match(cxmlAnswer(again.body).detail, /Order PO-1 was cancelled/)
  })

  t.test('an update of an orderID never received is 404 with what to do', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'po-9@buyer', orderID: 'PO-9', type: 'update' }))
    t.equal(res.statusCode, 404)
    t.match(cxmlAnswer(res.body).detail, /Order PO-9 was never received.*send it as type="new".*PG_ERR_ORDER_UNKNOWN/)
    t.equal(await em().count(Order, { orderId: 'PO-9' }), 0)
  })

  t.test('a wrong secret is 401 and stores no order', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'po-bad@buyer', orderID: 'PO-BAD', secret: 'wrong' }))
    t.equal(res.statusCode, 401)
    t.equal(await em().count(Order, { orderId: 'PO-BAD' }), 0)
  })

  t.test('a price with more decimals than can be kept is refused, nothing stored', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'po-frac@buyer', orderID: 'PO-FRAC', lines: [{ sku: 'A-1', quantity: '1', unitPrice: '0.00005' }] }))
    t.equal(res.statusCode, 400)
    t.match(cxmlAnswer(res.body).detail, /UnitPrice "0.00005" cannot be kept exactly/)
    t.equal(await em().count(Order, { orderId: 'PO-FRAC' }), 0)
  })

  t.test('linked to the punchout session and its returned cart through SupplierPartAuxiliaryID', async (t) => {
    const { sid } = await startedSession(app, { payloadID: 'setup-for-order@buyer' })
    const items = [
      { sku: 'A-1', quantity: 2, unitPrice: 3.5, currency: 'EUR', description: 'Pen', unitOfMeasure: 'EA' },
      { sku: 'B-2', quantity: 1, unitPrice: 10, currency: 'EUR', description: 'Pad', unitOfMeasure: 'EA' },
      { sku: 'C-3', quantity: 5, unitPrice: 1, currency: 'EUR', description: 'Clip', unitOfMeasure: 'EA' },
    ]
    t.equal((await returnCart(app, sid, items, 'application/json')).statusCode, 200)
    const res = await postCxml(app, orderRequest({
      payloadID: 'po-linked@buyer', orderID: 'PO-LINKED', total: '26.00',
      lines: [
        { sku: 'A-1', quantity: '2', unitPrice: '3.50', aux: `${sid}/1` },
        { sku: 'B-2', quantity: '2', unitPrice: '9.00', aux: `${sid}/2` },
        { sku: 'D-4', quantity: '1', unitPrice: '1.00' },
      ],
    }))
    t.equal(cxmlAnswer(res.body).code, 200)
    const order = await em().findOneOrFail(Order, { payloadId: 'po-linked@buyer' })
    t.equal(order.sessionId, sid)
    t.ok(order.cartId)
    t.same(order.differences.map((d) => `${d.kind}:${d.sku}`).sort(), ['added:D-4', 'price:B-2', 'quantity:B-2', 'removed:C-3'])
    t.match(order.differences.find((d) => d.kind === 'price'), { cart: '10', order: '9.00' })
    t.equal((await em().findOneOrFail(PunchoutSession, { id: sid })).status, 'ordered')
    const event = await em().findOneOrFail(SessionEvent, { sessionId: sid, type: 'order.received' })
    t.match(event.data, { orderID: 'PO-LINKED', payloadID: 'po-linked@buyer', order: order.id })
    t.equal((await em().findOneOrFail(JournalEntry, { payloadId: 'po-linked@buyer' })).sessionId, sid)
  })

  t.test('an auxiliary id naming another customer\'s session links nothing', async (t) => {
    const other = await createCustomer(app)
    await addCredential(app, other.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-OTHER', sharedSecret: 'other-secret-1' })
    const { sid } = await startedSession(app, { from: [['NetworkID', 'AN-OTHER']], secret: 'other-secret-1' })
    await postCxml(app, orderRequest({ payloadID: 'po-foreign@buyer', orderID: 'PO-FOREIGN', lines: [{ sku: 'A-1', quantity: '1', unitPrice: '1', aux: `${sid}/1` }] }))
    const order = await em().findOneOrFail(Order, { payloadId: 'po-foreign@buyer' })
    t.equal(order.sessionId, null)
    t.match(order.differences, [{ kind: 'unlinked' }])
    t.equal(await em().count(SessionEvent, { sessionId: sid, type: 'order.received' }), 0)
  })

  t.test('B4 replay-payloadid-concurrent: twenty concurrent copies of one payloadID: one order, twenty identical answers', { skip: !usingPostgres() && 'PostgreSQL only (TEST_DATABASE_URL)' }, async (t) => {
    const body = orderRequest({ payloadID: 'po-burst@buyer', orderID: 'PO-BURST' })
    const answers = await Promise.all(Array.from({ length: 20 }, () => postCxml(app, body)))
    t.same(answers.map((r) => [r.statusCode, cxmlAnswer(r.body).code]), Array.from({ length: 20 }, () => [200, 200]))
    t.equal(await em().count(Order, { payloadId: 'po-burst@buyer' }), 1)
    t.equal(await em().count(OrderLine, { orderId: (await em().findOneOrFail(Order, { payloadId: 'po-burst@buyer' })).id }), 1)
    t.equal(await em().count(JournalEntry, { payloadId: 'po-burst@buyer' }), 20)
  })

  t.test('twenty concurrent new documents of one orderID: one order, the others 409', { skip: !usingPostgres() && 'PostgreSQL only (TEST_DATABASE_URL)' }, async (t) => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => postCxml(app, orderRequest({ payloadID: `po-race-${i}@buyer`, orderID: 'PO-RACE' }))))
    t.equal(answers.filter((r) => r.statusCode === 200).length, 1)
    t.equal(answers.filter((r) => r.statusCode === 409).length, 19)
    t.equal(await em().count(Order, { orderId: 'PO-RACE' }), 1)
  })
})
