import t from 'tap'
import { Cart, JournalEntry, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { formInputs } from '../helpers/oci-form.ts'
import { assertValidCxml } from '../helpers/cxml-dtd.ts'
import { adminHeaders, addCredential, createCustomer } from '../helpers/fixtures.ts'
import { returnCart, startedSession, storefrontHeaders } from '../helpers/punchout.ts'

const ITEMS = [
  { sku: 'GLV-NIT-L', quantity: 2, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, size L', unitOfMeasure: 'BX', classification: '46181504', leadTimeDays: 4, manufacturerName: 'Ansell', manufacturerPartId: 'TF-250-L' },
  { sku: 'SCR-M6-20', quantity: 150, unitPrice: 0.0825, currency: 'EUR', description: 'Hex screws M6 × 20 <A2> & "DIN 933"', unitOfMeasure: 'EA' },
]

t.test('cart return for a cXML session', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const em = () => db.orm.em.fork()

  t.test('answers the auto-submitting form with a PunchOutOrderMessage valid against the DTD', async (t) => {
    const { sid } = await startedSession(app, { buyerCookie: 'cookie-Ä-42' })
    const res = await returnCart(app, sid, ITEMS)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.headers['content-security-policy'], /form-action https:\/\/buyer\.example\.com/)
    t.match(res.body, /<form method="post" action="https:\/\/buyer\.example\.com\/punchout\/return\?x=1&amp;y=2"/)
    const fields = formInputs(res.body)
    t.equal(fields.length, 1)
    t.equal(fields[0]![0], 'cxml-urlencoded')
    const poom = fields[0]![1]
    await assertValidCxml(t, poom)
    t.match(poom, /<BuyerCookie>cookie-Ä-42<\/BuyerCookie>/)
    t.match(poom, /operationAllowed="edit"/)
    t.match(poom, /<Total>\s*<Money currency="EUR">34.28<\/Money>/)
    t.match(poom, new RegExp(`<SupplierPartAuxiliaryID>${sid}/2</SupplierPartAuxiliaryID>`))
    t.match(poom, /Hex screws M6 × 20 &lt;A2&gt; &amp; "DIN 933"/)
    t.match(poom, /<Classification domain="UNSPSC">46181504<\/Classification>/)
    t.match(poom, /<ManufacturerPartID>TF-250-L<\/ManufacturerPartID>\s*<ManufacturerName>Ansell<\/ManufacturerName>/)
    t.match(poom, /<LeadTime>4<\/LeadTime>/)
    const session = await em().findOneOrFail(PunchoutSession, { id: sid })
    t.equal(session.status, 'cart_returned')
    const cart = await em().findOneOrFail(Cart, { sessionId: sid })
    t.equal(cart.document, poom)
    t.equal(Number(cart.total), 34.28)
    const entry = await em().findOneOrFail(JournalEntry, { sessionId: sid, channel: 'cart' })
    t.match(Buffer.from(entry.requestBody!).toString(), /GLV-NIT-L/)
  })

  t.test('a test-mode punchout returns its cart in test mode; production stays production', async (t) => {
    const test = await startedSession(app, { deploymentMode: 'test' })
    const poom = (await returnCart(app, test.sid, ITEMS, 'application/json')).json().fields['cxml-urlencoded']
    t.match(poom, /<Message deploymentMode="test">/)
    await assertValidCxml(t, poom)
    const production = await startedSession(app, { deploymentMode: 'production' })
    const prodPoom = (await returnCart(app, production.sid, ITEMS, 'application/json')).json().fields['cxml-urlencoded']
    t.match(prodPoom, /<Message>/)
    t.notMatch(prodPoom, /deploymentMode/)
  })

  t.test('answers JSON {action, fields} when asked', async (t) => {
    const { sid } = await startedSession(app)
    const res = await returnCart(app, sid, ITEMS, 'application/json')
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.action, 'https://buyer.example.com/punchout/return?x=1&y=2')
    t.equal(body.method, 'post')
    t.match(body.fields['cxml-urlencoded'], /^<\?xml/)
  })

  t.test('uses cxml-base64 when the customer is set to it', async (t) => {
    await app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { cartTransport: 'cxml-base64' } })
    t.teardown(() => app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { cartTransport: 'cxml-urlencoded' } }))
    const { sid } = await startedSession(app)
    const body = (await returnCart(app, sid, ITEMS, 'application/json')).json()
    const xml = Buffer.from(body.fields['cxml-base64'], 'base64').toString('utf8')
    await assertValidCxml(t, xml)
  })

  t.test('an empty cart is a legal PunchOutOrderMessage', async (t) => {
    const { sid } = await startedSession(app)
    const body = (await returnCart(app, sid, [], 'application/json')).json()
    await assertValidCxml(t, body.fields['cxml-urlencoded'])
  })

  t.test('an empty cart goes back in the currency the storefront names', async (t) => {
    const { sid } = await startedSession(app)
    const res = await app.inject({ method: 'POST', url: `/punchout/sessions/${sid}/cart`, headers: { ...storefrontHeaders, accept: 'application/json' }, payload: { items: [], currency: 'EUR' } })
    t.match(res.json().fields['cxml-urlencoded'], /<Total>\s*<Money currency="EUR">0\.00<\/Money>\s*<\/Total>/)
    const bad = await app.inject({ method: 'POST', url: `/punchout/sessions/${sid}/cart`, headers: storefrontHeaders, payload: { items: [], currency: 'euro' } })
    t.equal(bad.statusCode, 400)
  })

  t.test('refuses without the storefront token, and journals it', async (t) => {
    const { sid } = await startedSession(app)
    const res = await app.inject({ method: 'POST', url: `/punchout/sessions/${sid}/cart`, payload: { items: ITEMS } })
    t.equal(res.statusCode, 401)
    t.equal(res.json().code, 'PG_ERR_API_UNAUTHORIZED')
    t.equal((await em().findOneOrFail(PunchoutSession, { id: sid })).status, 'started')
    t.ok(await em().findOne(JournalEntry, { sessionId: sid, channel: 'cart', httpStatus: 401 }))
  })

  t.test('a storefront token created through the API returns carts', async (t) => {
    const token = (await app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { name: 'external shop', role: 'storefront' } })).json().token
    const { sid } = await startedSession(app)
    const res = await app.inject({ method: 'POST', url: `/punchout/sessions/${sid}/cart`, headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, payload: { items: ITEMS } })
    t.equal(res.statusCode, 200)
    t.ok(res.json().fields['cxml-urlencoded'])
  })

  t.test('an auditor token may not return carts', async (t) => {
    const token = (await app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { name: 'audit', role: 'auditor' } })).json().token
    const { sid } = await startedSession(app)
    const res = await app.inject({ method: 'POST', url: `/punchout/sessions/${sid}/cart`, headers: { authorization: `Bearer ${token}` }, payload: { items: ITEMS } })
    t.equal(res.statusCode, 403)
  })

  t.test('validates the cart: a bad line changes nothing', async (t) => {
    const { sid } = await startedSession(app)
    for (const bad of [
      { ...ITEMS[0], quantity: -1 }, { ...ITEMS[0], currency: 'euro' }, { ...ITEMS[0], sku: '' }, { sku: 'X' },
      { ...ITEMS[0], description: 'NUL\u0000here' }, { ...ITEMS[0], description: 'lone \ud800 surrogate' }, { ...ITEMS[0], unitPrice: 1e12 },
    ]) {
      const res = await returnCart(app, sid, [bad])
      t.equal(res.statusCode, 400, JSON.stringify(bad))
      t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
    }
    const huge = await returnCart(app, sid, [{ ...ITEMS[0], quantity: 1e6, unitPrice: 1e9 }, { ...ITEMS[0], quantity: 1e6, unitPrice: 1e9 }])
    t.equal(huge.statusCode, 400)
    t.equal(huge.json().code, 'PG_ERR_CART_INVALID')
    const mixed = await returnCart(app, sid, [ITEMS[0], { ...ITEMS[1], currency: 'USD' }])
    t.equal(mixed.statusCode, 400)
    t.equal(mixed.json().code, 'PG_ERR_CART_INVALID')
    t.equal(await em().count(Cart, { sessionId: sid }), 0)
    t.equal((await em().findOneOrFail(PunchoutSession, { id: sid })).status, 'started')
  })

  t.test('precision: a quantity or price that cannot be sent as it is is refused, naming the line', async (t) => {
    const { sid } = await startedSession(app)
    for (const [bad, what] of [[{ ...ITEMS[1], quantity: 0.00001 }, /Cart line 2 \(SCR-M6-20\): quantity 0\.00001/], [{ ...ITEMS[1], unitPrice: 0.00005 }, /Cart line 2 \(SCR-M6-20\): unit price 0\.00005/]] as const) {
      const res = await returnCart(app, sid, [ITEMS[0], bad])
      t.equal(res.statusCode, 400)
      t.equal(res.json().code, 'PG_ERR_CART_INVALID')
      t.match(res.json().message, what)
    }
    t.equal(await em().count(Cart, { sessionId: sid }), 0)
  })

  t.test('precision: the total is the sum of the lines exactly as sent, in the currency\'s decimals', async (t) => {
    const { sid } = await startedSession(app)
    // Four-decimal prices and three-decimal quantities: the total comes from these very values.
    const items = [{ ...ITEMS[1], quantity: 12.345, unitPrice: 100.0875 }, { ...ITEMS[1], sku: 'B', quantity: 0.001, unitPrice: 0.0001 }]
    const poom = (await returnCart(app, sid, items, 'application/json')).json().fields['cxml-urlencoded']
    t.match(poom, /quantity="12\.345"[\s\S]*<Money currency="EUR">100\.0875<\/Money>/)
    t.match(poom, /quantity="0\.001"[\s\S]*<Money currency="EUR">0\.0001<\/Money>/)
    // 12.345 × 100.0875 = 1235.5801875, + 0.0000001 → 1235.58
    t.match(poom, /<Total>\s*<Money currency="EUR">1235\.58<\/Money>/)
    const yen = await startedSession(app)
    const jpy = (await returnCart(app, yen.sid, [{ ...ITEMS[0], currency: 'JPY', unitPrice: 1200, quantity: 3 }], 'application/json')).json().fields['cxml-urlencoded']
    t.match(jpy, /<Total>\s*<Money currency="JPY">3600<\/Money>/)
    await assertValidCxml(t, jpy)
  })

  t.test('refuses a session that has not started, and an unknown session', async (t) => {
    const unknown = await returnCart(app, '00000000-0000-4000-8000-000000000000', ITEMS)
    t.equal(unknown.statusCode, 404)
    t.equal(unknown.json().code, 'PG_ERR_SESSION_NOT_FOUND')
  })

  t.test('edit restores the ItemOut lines; inspect is read-only', async (t) => {
    const itemOut = `<ItemOut quantity="3" lineNumber="1"><ItemID><SupplierPartID>GLV-NIT-L</SupplierPartID><SupplierPartAuxiliaryID>abc/1</SupplierPartAuxiliaryID></ItemID><ItemDetail><UnitPrice><Money currency="EUR">10.95</Money></UnitPrice><Description xml:lang="en">Gloves</Description><UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">46181504</Classification></ItemDetail></ItemOut>`
    const edit = await startedSession(app, { operation: 'edit', itemOut })
    const view = (await app.inject({ method: 'GET', url: `/punchout/sessions/${edit.sid}`, headers: { authorization: 'Bearer test-storefront-token-0123456789ab' } })).json()
    t.equal(view.operation, 'edit')
    t.equal(view.readOnly, false)
    t.match(view.restoredItems, [{ supplierPartID: 'GLV-NIT-L', quantity: '3', supplierPartAuxiliaryID: 'abc/1' }])
    const inspect = await startedSession(app, { operation: 'inspect', itemOut, browserFormPost: null })
    const res = await returnCart(app, inspect.sid, ITEMS)
    t.equal(res.statusCode, 409)
    t.match(res.json().message, /read-only/)
  })
})
