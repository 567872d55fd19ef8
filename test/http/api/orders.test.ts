import t from 'tap'
import { buildTestApp } from '../../helpers/app.ts'
import { addCredential, createCustomer, postCxml } from '../../helpers/fixtures.ts'
import { orderRequest } from '../../helpers/orders.ts'
import { returnCart, startedSession } from '../../helpers/punchout.ts'
import { call, tokenFor } from './accounts-helpers.ts'

/** docs/api.md, "Orders": the orders received over cXML, within the caller's customers. */
t.test('the orders API', async (t) => {
  const app = await buildTestApp(t)
  const acme = await createCustomer(app.app)
  await addCredential(app.app, acme.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const { sid } = await startedSession(app.app)
  await returnCart(app.app, sid, [{ sku: 'A-1', quantity: 2, unitPrice: 3.5, currency: 'EUR', description: 'Pen', unitOfMeasure: 'EA' }], 'application/json')
  await postCxml(app.app, orderRequest({ payloadID: 'api-po-1@buyer', orderID: 'API-1', lines: [{ sku: 'A-1', quantity: '3', unitPrice: '3.50', aux: `${sid}/1` }] }))
  app.clock.advance(60)
  await postCxml(app.app, orderRequest({ payloadID: 'api-po-2@buyer', orderID: 'API-2' }))
  const other = await createCustomer(app.app)

  t.test('lists orders newest first, filtered by customer, status and payloadID', async (t) => {
    const all = await call(app, 'GET', `/api/orders?customer=${acme.id}`)
    t.equal(all.statusCode, 200)
    t.same(all.json().map((o: { orderID: string }) => o.orderID), ['API-2', 'API-1'])
    const one = await call(app, 'GET', '/api/orders?payloadID=api-po-1%40buyer')
    t.match(one.json(), [{ orderID: 'API-1', status: 'received', sessionId: sid, total: '7.0000', currency: 'EUR' }])
    t.same((await call(app, 'GET', '/api/orders?status=cancelled')).json(), [])
    t.equal((await call(app, 'GET', '/api/orders?limit=1')).json().length, 1)
  })

  t.test('one order: lines, the linked session and cart, the differences', async (t) => {
    const [listed] = (await call(app, 'GET', '/api/orders?payloadID=api-po-1%40buyer')).json()
    const res = await call(app, 'GET', `/api/orders/${listed.id}`)
    t.equal(res.statusCode, 200)
    t.match(res.json(), {
      orderID: 'API-1',
      lines: [{ position: 1, sku: 'A-1', quantity: '3.000000', unitPrice: '3.5000', auxiliaryId: `${sid}/1` }],
      session: { id: sid, status: 'ordered' },
      cart: { total: '7.0000', currency: 'EUR' },
      differences: [{ kind: 'quantity', sku: 'A-1', cart: '2', order: '3' }],
      comments: 'Deliver to dock 4',
    })
    t.ok(res.json().journalEntryId)
  })

  t.test('a token limited to another customer sees no order and finds none', async (t) => {
    const { headers } = await tokenFor(app, 'support', [other.id])
    t.same((await call(app, 'GET', '/api/orders', headers)).json(), [])
    t.same((await call(app, 'GET', `/api/orders?customer=${acme.id}`, headers)).json(), [])
    const [listed] = (await call(app, 'GET', '/api/orders?payloadID=api-po-1%40buyer')).json()
    const res = await call(app, 'GET', `/api/orders/${listed.id}`, headers)
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'PG_ERR_NOT_FOUND')
  })

  t.test('without a token: 401', async (t) => {
    t.equal((await app.app.inject({ method: 'GET', url: '/api/orders' })).statusCode, 401)
  })
})
