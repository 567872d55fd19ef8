import t from 'tap'
import { buildTestApp, type TestApp } from '../../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, postCxml } from '../../helpers/fixtures.ts'
import { assertValidCxml } from '../../helpers/cxml-dtd.ts'
import { orderRequest } from '../../helpers/orders.ts'
import { returnCart, startedSession, storefrontHeaders } from '../../helpers/punchout.ts'
import { cxmlStatusAnswer, receiver } from '../../helpers/receiver.ts'
import { signedIn } from '../../console/console-helpers.ts'
import { call, tokenFor } from './accounts-helpers.ts'

/**
 * docs/api.md, "Order status": confirmations and ship notices go to the customer's order-status
 * URL through the outbox, valid against the Fulfill DTD; the delivery is recorded; the session's
 * timeline shows the whole journey.
 */

async function orderId(app: TestApp, payloadID: string): Promise<string> {
  return (await call(app, 'GET', `/api/orders?payloadID=${encodeURIComponent(payloadID)}`)).json()[0].id
}

t.test('the order journey', async (t) => {
  const app = await buildTestApp(t)
  const buyerSystem = await receiver(t)
  await buyerSystem.up()
  buyerSystem.answer = { status: 200, contentType: 'text/xml', body: cxmlStatusAnswer(200, 'OK') }
  const acme = await createCustomer(app.app, { orderStatusUrl: `${buyerSystem.origin}/cxml` })
  await addCredential(app.app, acme.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const { sid } = await startedSession(app.app)
  await returnCart(app.app, sid, [{ sku: 'A-1', quantity: 2, unitPrice: 3.5, currency: 'EUR', description: 'Pen', unitOfMeasure: 'EA' }], 'application/json')
  await postCxml(app.app, orderRequest({ payloadID: 'journey-1@buyer', orderID: 'J-1', lines: [{ sku: 'A-1', quantity: '2', unitPrice: '3.50', aux: `${sid}/1` }] }))
  const id = await orderId(app, 'journey-1@buyer')
  const reason = { ...adminHeaders, 'x-audit-reason': 'Buyer%20asked%20by%20phone' }

  t.test('a confirmation is queued (202), delivered, valid against the Fulfill DTD', async (t) => {
    const res = await call(app, 'POST', `/api/orders/${id}/confirmations`, reason, { type: 'accept', confirmID: 'C-J-1' })
    t.equal(res.statusCode, 202, res.body)
    t.match(res.json(), { kind: 'cxml.confirmation', state: 'pending', attempts: 0, url: `${buyerSystem.origin}/cxml`, summary: { type: 'accept', confirmID: 'C-J-1' } })
    t.equal(await app.outbox.worker.runOnce(), 1)
    const sent = buyerSystem.received.at(-1)!
    t.match(sent.headers['content-type'], /^text\/xml/)
    await assertValidCxml(t, sent.body)
    t.match(sent.body, /<ConfirmationHeader confirmID="C-J-1" operation="new" type="accept"/)
    t.match(sent.body, /<OrderReference orderID="J-1">\s*<DocumentReference payloadID="journey-1@buyer"\/>/)
    // From and Sender: the supplier as the buyer named it at setup; To: the buyer.
    t.match(sent.body, /<From>\s*<Credential domain="DUNS">\s*<Identity>123456789<\/Identity>[\s\S]*<To>\s*<Credential domain="NetworkID">\s*<Identity>AN-BUYER-1<\/Identity>/)
    const detail = (await call(app, 'GET', `/api/orders/${id}`)).json()
    t.match(detail.messages, [{ kind: 'cxml.confirmation', state: 'delivered', attempts: 1, lastStatus: 200, cxmlStatus: 200, deliveredAt: app.clock.now.toISOString() }])
    const audit = (await call(app, 'GET', `/api/audit?action=order.confirm&targetId=${id}`)).json()
    t.match(audit.items, [{ actor: 'bootstrap-admin', reason: 'Buyer asked by phone', after: { type: 'accept' } }])
  })

  t.test('a detail confirmation names lines by their lineNumber; an unknown line is refused', async (t) => {
    const res = await call(app, 'POST', `/api/orders/${id}/confirmations`, adminHeaders, { type: 'detail', lines: [{ lineNumber: 1, status: 'backordered', deliveryDate: '2026-12-01T12:00:00+01:00' }] })
    t.equal(res.statusCode, 202, res.body)
    await app.outbox.worker.runOnce()
    const sent = buyerSystem.received.at(-1)!.body
    await assertValidCxml(t, sent)
    t.match(sent, /<ConfirmationItem quantity="2" lineNumber="1">[\s\S]*<ConfirmationStatus quantity="2" type="backordered" deliveryDate="2026-12-01T11:00:00\+00:00">/)
    const unknown = await call(app, 'POST', `/api/orders/${id}/confirmations`, adminHeaders, { type: 'detail', lines: [{ lineNumber: 9, status: 'accept' }] })
    t.equal(unknown.statusCode, 400)
    t.match(unknown.json(), { code: 'PG_ERR_API_VALIDATION', message: /no line 9/ })
    t.equal((await call(app, 'POST', `/api/orders/${id}/confirmations`, adminHeaders, { type: 'detail' })).statusCode, 400, 'detail without lines')
  })

  t.test('a ship notice: carrier, tracking number, expected delivery; a buyer answering cXML 500 gets it again', async (t) => {
    buyerSystem.answer = { status: 200, contentType: 'text/xml', body: cxmlStatusAnswer(500, 'Internal Error') }
    const res = await call(app, 'POST', `/api/orders/${id}/ship-notices`, adminHeaders, {
      carrier: 'Federal Express', carrierScac: 'FDE', trackingNumber: '8202 8261 1194', shipmentDate: '2026-11-24T08:00:00Z', expectedDelivery: '2026-11-26T12:00:00Z',
    })
    t.equal(res.statusCode, 202, res.body)
    await app.outbox.worker.runOnce()
    const sent = buyerSystem.received.at(-1)!.body
    await assertValidCxml(t, sent)
    t.match(sent, /<ShipmentIdentifier domain="trackingNumber">8202 8261 1194<\/ShipmentIdentifier>[\s\S]*<ShipNoticeItem quantity="2" lineNumber="1">/)
    let [message] = (await call(app, 'GET', `/api/orders/${id}`)).json().messages.filter((m: { kind: string }) => m.kind === 'cxml.ship_notice')
    t.match(message, { state: 'pending', attempts: 1, lastStatus: 200, cxmlStatus: 500, lastError: 'cXML Status 500 Internal Error', deliveredAt: null })

    buyerSystem.answer = { status: 200, contentType: 'text/xml', body: cxmlStatusAnswer(200, 'OK') }
    app.clock.advance(3600)
    await app.outbox.worker.runOnce()
    ;[message] = (await call(app, 'GET', `/api/orders/${id}`)).json().messages.filter((m: { kind: string }) => m.kind === 'cxml.ship_notice')
    t.match(message, { state: 'delivered', attempts: 2, cxmlStatus: 200, summary: { carrier: 'Federal Express', trackingNumber: '8202 8261 1194', expectedDelivery: '2026-11-26T12:00:00Z' } })
  })

  t.test('the storefront token reports what it ships; the delivery is recorded', async (t) => {
    const res = await call(app, 'POST', `/api/orders/${id}/ship-notices`, storefrontHeaders, {
      carrier: 'DHL', trackingNumber: 'JD0001', shipmentDate: '2026-11-25T08:00:00Z', lines: [{ lineNumber: 1, quantity: '1' }],
    })
    t.equal(res.statusCode, 202, res.body)
    const delivered = await call(app, 'POST', `/api/orders/${id}/delivered`, storefrontHeaders, { deliveredAt: '2026-11-27T09:30:00Z' })
    t.equal(delivered.statusCode, 200, delivered.body)
    t.same(delivered.json(), { order: id, deliveredAt: '2026-11-27T09:30:00Z' })
  })

  t.test('the session\'s timeline shows the whole journey', async (t) => {
    const session = (await call(app, 'GET', `/api/sessions/${sid}`)).json()
    const types: string[] = session.timeline.map((e: { type: string }) => e.type)
    const journey = ['session.provisioned', 'start.used', 'cart.returned', 'order.received', 'order.confirmation', 'order.ship_notice', 'order.delivered']
    const positions = journey.map((type) => types.indexOf(type))
    t.ok(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!)), types.join(', '))
    const shipped = session.timeline.filter((e: { type: string }) => e.type === 'order.ship_notice')
    t.match(shipped, [
      { data: { order: id, orderID: 'J-1', carrier: 'Federal Express', trackingNumber: '8202 8261 1194', expectedDelivery: '2026-11-26T12:00:00Z' } },
      { data: { carrier: 'DHL', trackingNumber: 'JD0001', lines: [{ lineNumber: 1, quantity: '1' }] } },
    ])
    t.match(session.timeline.find((e: { type: string }) => e.type === 'order.delivered'), { data: { order: id, deliveredAt: '2026-11-27T09:30:00Z' } })
  })

  t.test('the console\'s session page shows the journey too', async (t) => {
    const { browser } = await signedIn(app.app, 'support')
    const page = await browser.get(`/console/sessions/${sid}`)
    t.equal(page.statusCode, 200)
    for (const type of ['order.received', 'order.confirmation', 'order.ship_notice', 'order.delivered']) t.match(page.body, `<strong>${type}</strong>`)
    t.match(page.body, '<code>carrier</code>: Federal Express')
    t.match(page.body, '<code>trackingNumber</code>: 8202 8261 1194')
    t.match(page.body, '<code>expectedDelivery</code>: 2026-11-26T12:00:00Z')
  })

  t.test('who may: an auditor may not; a token of another customer finds no order', async (t) => {
    const auditor = await tokenFor(app, 'auditor')
    t.equal((await call(app, 'POST', `/api/orders/${id}/confirmations`, auditor.headers, { type: 'accept' })).statusCode, 403)
    const other = await createCustomer(app.app)
    for (const role of ['support', 'storefront'] as const) {
      const scoped = await tokenFor(app, role, [other.id])
      const res = await call(app, 'POST', `/api/orders/${id}/ship-notices`, scoped.headers, { carrier: 'DHL', trackingNumber: 'X', shipmentDate: '2026-11-25T08:00:00Z' })
      t.equal(res.statusCode, 404, role)
    }
    const own = await tokenFor(app, 'support', [acme.id])
    const res = await call(app, 'POST', `/api/orders/${id}/delivered`, own.headers)
    t.equal(res.statusCode, 200, res.body)
  })
})

t.test('refusals change nothing', async (t) => {
  const app = await buildTestApp(t)
  const acme = await createCustomer(app.app)
  await addCredential(app.app, acme.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  await postCxml(app.app, orderRequest({ payloadID: 'plain-1@buyer', orderID: 'P-1' }))
  const id = await orderId(app, 'plain-1@buyer')

  t.test('without an order-status URL: 409 naming the setting', async (t) => {
    const res = await call(app, 'POST', `/api/orders/${id}/confirmations`, adminHeaders, { type: 'accept' })
    t.equal(res.statusCode, 409)
    t.match(res.json(), { code: 'PG_ERR_CONFLICT', message: /orderStatusUrl/ })
    t.same((await call(app, 'GET', `/api/orders/${id}`)).json().messages, [])
  })

  t.test('the order-status URL is https (plain http only to this machine)', async (t) => {
    for (const url of ['http://buyer.example.com/cxml', 'ftp://buyer.example.com/', 'https://user:pw@buyer.example.com/']) {
      const res = await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusUrl: url })
      t.equal(res.statusCode, 400, url)
    }
    for (const url of ['https://buyer.example.com/cxml/status', 'http://127.0.0.1:8080/cxml', null]) {
      const res = await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusUrl: url })
      t.equal(res.statusCode, 200, String(url))
      t.equal(res.json().orderStatusUrl, url)
    }
  })

  t.test('a cancelled order is not confirmed', async (t) => {
    await call(app, 'PATCH', `/api/customers/${acme.id}`, adminHeaders, { orderStatusUrl: 'https://buyer.example.com/cxml/status' })
    await postCxml(app.app, orderRequest({ payloadID: 'plain-1-delete@buyer', orderID: 'P-1', type: 'delete', lines: [] }))
    const res = await call(app, 'POST', `/api/orders/${id}/confirmations`, adminHeaders, { type: 'accept' })
    t.equal(res.statusCode, 409)
    t.match(res.json().message, /P-1 .* is cancelled/)
  })

  t.test('an unknown order: 404', async (t) => {
    const res = await call(app, 'POST', '/api/orders/00000000-0000-4000-8000-000000000000/delivered', adminHeaders, {})
    t.equal(res.statusCode, 404)
  })
})
