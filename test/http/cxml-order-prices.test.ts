import t from 'tap'
import { JournalEntry, Order, PunchoutSession, SessionEvent } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { orderRequest, type OrderLineOptions } from '../helpers/orders.ts'
import { seedCatalog, startedSession } from '../helpers/punchout.ts'

/**
 * The price check of an OrderRequest (docs/cxml.md, "OrderRequest"; docs/api.md, "Contract prices
 * and price checks"): every line against the customer's price on the order's date (2026-11-23,
 * the test clock's day). Catalog list prices: PAP-A4-80 5.49, PEN-BLU-12 3.90, GLV-NIT-L 12.80;
 * the customer's contract prices: PAP-A4-80 4.60, GLV-NIT-L 10.95.
 */
t.test('OrderRequest price checks', async (t) => {
  const { app, db } = await buildTestApp(t)
  await seedCatalog(db.orm.em.fork())
  const em = () => db.orm.em.fork()
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const headers = { ...adminHeaders, 'x-audit-reason': 'contract 2026' }
  for (const [sku, unitPrice] of [['PAP-A4-80', '4.60'], ['GLV-NIT-L', '10.95']]) {
    const res = await app.inject({ method: 'POST', url: `/api/customers/${customer.id}/prices`, headers, payload: { sku, unitPrice, currency: 'EUR' } })
    t.equal(res.statusCode, 201, res.body)
  }
  const setPolicy = async (pricePolicy: 'record' | 'refuse', priceTolerance: number) => {
    const res = await app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers, payload: { pricePolicy, priceTolerance } })
    t.equal(res.statusCode, 200, res.body)
  }
  const order = (payloadID: string, lines: OrderLineOptions[]) => postCxml(app, orderRequest({ payloadID, orderID: payloadID.split('@')[0]!, lines }))
  const detail = async (payloadId: string) => {
    const stored = await em().findOneOrFail(Order, { payloadId })
    return (await app.inject({ method: 'GET', url: `/api/orders/${stored.id}`, headers: adminHeaders })).json()
  }

  t.test('record policy: the order is stored and its check, mismatches included, is in GET /api/orders/:id', async (t) => {
    const res = await order('rec-1@buyer', [
      { sku: 'PAP-A4-80', quantity: '10', unitPrice: '5.49' },
      { sku: 'PEN-BLU-12', quantity: '2', unitPrice: '3.90' },
      { sku: 'NO-SUCH', quantity: '1', unitPrice: '1.00' },
    ])
    t.equal(cxmlAnswer(res.body).code, 200, res.body)
    const view = await detail('rec-1@buyer')
    t.match(view.priceCheck, {
      day: '2026-11-23', policy: 'record', mismatches: 1, unknown: 1,
      lines: [
        { line: 1, lineNumber: 1, sku: 'PAP-A4-80', unitPrice: '5.49', result: 'mismatch', expected: { source: 'contract', unitPrice: '4.60', currency: 'EUR' } },
        { line: 2, sku: 'PEN-BLU-12', result: 'ok', expected: { source: 'list', unitPrice: '3.90' } },
        { line: 3, sku: 'NO-SUCH', result: 'unknown', expected: { source: 'none' } },
      ],
    })
  })

  t.test('the check is an order.price_checked event on the linked session, written with the order', async (t) => {
    const { sid } = await startedSession(app, { payloadID: 'setup-prices@buyer' })
    const res = await order('rec-linked@buyer', [{ sku: 'GLV-NIT-L', quantity: '1', unitPrice: '12.80', aux: `${sid}/1` }])
    t.equal(cxmlAnswer(res.body).code, 200, res.body)
    const stored = await em().findOneOrFail(Order, { payloadId: 'rec-linked@buyer' })
    const event = await em().findOneOrFail(SessionEvent, { sessionId: sid, type: 'order.price_checked' })
    t.match(event.data, { order: stored.id, mismatches: 1, lines: [{ sku: 'GLV-NIT-L', result: 'mismatch', expected: { unitPrice: '10.95' } }] })
  })

  const refused: OrderLineOptions[] = [
    { sku: 'PAP-A4-80', quantity: '10', unitPrice: '4.62' },
    { sku: 'GLV-NIT-L', quantity: '3', unitPrice: '12.80' },
    { sku: 'PEN-BLU-12', quantity: '1', unitPrice: '3.90', currency: 'USD' },
  ]
  const withoutReference = (detail: string | undefined) => detail?.replace(/; reference [0-9a-f-]+/, '')
  let firstRefusal: string | undefined

  t.test('refuse policy: a mismatch beyond tolerance is 400 naming each offending line, and no order is stored', async (t) => {
    await setPolicy('refuse', 1)
    const res = await order('ref-1@buyer', refused)
    t.equal(res.statusCode, 400)
    const answer = cxmlAnswer(res.body)
    t.equal(answer.code, 400)
    t.match(answer.detail, /PG_ERR_ORDER_PRICE_MISMATCH/)
    t.match(answer.detail, /ItemOut 2 \(lineNumber 2\) SKU GLV-NIT-L: ordered 12\.80 EUR, expected 10\.95 EUR \(contract price\)/)
    t.match(answer.detail, /ItemOut 3 \(lineNumber 3\) SKU PEN-BLU-12: ordered 3\.90 USD, expected 3\.90 EUR \(list price\)/)
    t.notMatch(answer.detail, /PAP-A4-80/, 'a line within tolerance is not named')
    firstRefusal = answer.detail
    t.equal(await em().count(Order, { payloadId: 'ref-1@buyer' }), 0)
    t.match(await em().findOneOrFail(JournalEntry, { payloadId: 'ref-1@buyer' }), { outcome: 'refused', errorCode: 'PG_ERR_ORDER_PRICE_MISMATCH', customerId: customer.id })
  })

  t.test('a repeat of a refused payloadID is refused the same way', async (t) => {
    const res = await order('ref-1@buyer', refused)
    t.equal(res.statusCode, 400)
    t.equal(withoutReference(cxmlAnswer(res.body).detail), withoutReference(firstRefusal))
    t.equal(await em().count(Order, { payloadId: 'ref-1@buyer' }), 0)
    t.equal(await em().count(JournalEntry, { payloadId: 'ref-1@buyer' }), 2)
  })

  t.test('refuse policy: a refused order linked to a punchout is an order.refused event on its timeline, with the journal row', async (t) => {
    const { sid } = await startedSession(app, { payloadID: 'setup-refused@buyer' })
    const res = await order('ref-linked@buyer', [{ sku: 'GLV-NIT-L', quantity: '1', unitPrice: '12.80', aux: `${sid}/1` }])
    t.equal(cxmlAnswer(res.body).code, 400)
    const entry = await em().findOneOrFail(JournalEntry, { payloadId: 'ref-linked@buyer' })
    t.match(entry, { outcome: 'refused', errorCode: 'PG_ERR_ORDER_PRICE_MISMATCH', sessionId: sid })
    const event = await em().findOneOrFail(SessionEvent, { sessionId: sid, type: 'order.refused' })
    t.match(event.data, { code: 'PG_ERR_ORDER_PRICE_MISMATCH', payloadID: 'ref-linked@buyer', orderID: 'ref-linked', lines: [{ sku: 'GLV-NIT-L', result: 'mismatch', expected: { unitPrice: '10.95' } }] })
    t.equal(await em().count(Order, { payloadId: 'ref-linked@buyer' }), 0)
    t.equal((await em().findOneOrFail(PunchoutSession, { id: sid })).status, 'started', 'the session is not failed by a refused order')
  })

  t.test('refuse policy: an order within tolerance passes and is stored with its check', async (t) => {
    const res = await order('ref-ok@buyer', [
      { sku: 'PAP-A4-80', quantity: '10', unitPrice: '4.64' },
      { sku: 'NO-SUCH', quantity: '1', unitPrice: '1.00' },
    ])
    t.equal(cxmlAnswer(res.body).code, 200, res.body)
    t.match((await detail('ref-ok@buyer')).priceCheck, { policy: 'refuse', tolerancePercent: '1', mismatches: 0, unknown: 1, lines: [{ result: 'ok', deviationPercent: '0.87' }, { result: 'unknown' }] })
  })
})
