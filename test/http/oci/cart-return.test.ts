import t from 'tap'
import { Cart, JournalEntry, PunchoutSession, SessionEvent } from '../../../src/persistence/entities/index.ts'
import { addCredential, adminHeaders, createCustomer, fixture } from '../../helpers/fixtures.ts'
import { formInputs, forms, ociItems } from '../../helpers/oci-form.ts'
import { HOOK_URL, enterShop, followStart, loginParams, ociGet, ociTestApp, returnCart, startedOciSession } from './oci-helpers.ts'

/** Four items of the real OCI capture (fixtures/oci, a German Rails shop), as a storefront would return them. */
const REAL_WORLD = ociItems(fixture('oci/realworld-oci-hook-form-10-items-with-http-headers.html').toString('utf8'))
  .filter((i) => [1, 4, 8, 9].includes(i.index))
  .map(({ fields: f }) => ({
    sku: f.EXT_PRODUCT_ID!,
    quantity: Number(f.QUANTITY),
    unitPrice: Number(f.PRICE) / Number(f.PRICEUNIT),
    currency: f.CURRENCY!,
    // The capture's long text is the full product text; DESCRIPTION there is a cut-down copy.
    description: f.LONGTEXT!,
    unitOfMeasure: f.UNIT!,
    manufacturerPartId: f.MANUFACTMAT!,
    leadTimeDays: Number(f.LEADTIME),
  }))

const SYNTHETIC = [
  { sku: 'SCR-M6-20', quantity: 150, unitPrice: 0.0825, currency: 'EUR', description: 'Hex screws M6 × 20', unitOfMeasure: 'EA' },
  { sku: 'KBL-ÄÖÜ', quantity: 2.5, unitPrice: 3.9, currency: 'EUR', description: 'Kabel ä ö ü ß, 5 € je Meter, 中文 <b>&"', unitOfMeasure: 'MTR' },
]

t.test('cart return for an OCI session', async (t) => {
  const { app, db, customer } = await ociTestApp(t)
  const em = () => db.orm.em.fork()
  const setOciOptions = async (ociOptions: Record<string, unknown>) => {
    const res = await app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { ociOptions } })
    if (res.statusCode !== 200) throw new Error(`patch: ${res.statusCode} ${res.body}`)
  }

  t.test('multi-line cart: NEW_ITEM fields to HOOK_URL with ~TARGET, control fields echoed', async (t) => {
    const sid = await startedOciSession(app)
    const res = await returnCart(app, sid, [...REAL_WORLD, ...SYNTHETIC])
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    t.match(res.headers['content-security-policy'], /form-action https:\/\/srm\.buyer\.example\.com/)
    const all = forms(res.body)
    t.equal(all.length, 1, 'exactly one form')
    t.equal(all[0]!.get('action'), HOOK_URL, 'HOOK_URL unchanged, its own query string (~caller=CTLG) included')
    t.equal(all[0]!.get('target'), '_blank', '~TARGET of the login call')
    t.equal(all[0]!.get('accept-charset'), 'UTF-8')
    t.same(formInputs(res.body).slice(0, 3), [['~OkCode', 'ADDI'], ['~TARGET', '_blank'], ['~CALLER', 'CTLG']])

    const items = ociItems(res.body)
    t.same(items.map((i) => i.index), [1, 2, 3, 4, 5, 6], '1-based, one per line')
    const mantis = items[0]!.fields
    t.equal(Array.from(mantis.DESCRIPTION!).length, 40, 'DESCRIPTION cut to 40 characters')
    t.ok(REAL_WORLD[0]!.description.startsWith(mantis.DESCRIPTION!))
    t.equal(mantis.LONGTEXT, REAL_WORLD[0]!.description, 'the full text in LONGTEXT_1:132[]')
    t.match(res.body, /name="NEW_ITEM-LONGTEXT_1:132\[\]"/)
    t.match(mantis, { QUANTITY: '1', UNIT: 'PCE', PRICE: '1730.9', PRICEUNIT: '1', CURRENCY: 'EUR', LEADTIME: '1', VENDORMAT: '491901E', MANUFACTMAT: '491901E' })
    t.equal(mantis.EXT_PRODUCT_ID, `${sid}/1`, 'the round-trip key that DETAIL/VALIDATE send back')
    t.match(items[1]!.fields, { UNIT: 'PA', PRICE: '4.76' })
    t.match(items[2]!.fields.LONGTEXT, /Format: A4$/, 'multi-line long text kept')
    t.match(items[2]!.fields.LONGTEXT, /\n/)
    const screws = items[4]!.fields
    t.match(screws, { QUANTITY: '150', UNIT: 'EA' })
    t.ok(['100', '1000'].includes(screws.PRICEUNIT!), `price unit ${screws.PRICEUNIT}`)
    t.equal(Number(screws.PRICE) / Number(screws.PRICEUNIT), 0.0825, 'PRICE is per PRICEUNIT')
    t.notOk(res.body.includes('LONGTEXT_5'), 'no long text when the description fits')
    const cable = items[5]!.fields
    t.match(cable, { QUANTITY: '2.5', UNIT: 'MTR', PRICE: '3.9', VENDORMAT: 'KBL-ÄÖÜ' })
    t.equal(cable.DESCRIPTION, 'Kabel ä ö ü ß, 5 € je Meter, 中文 <b>&"', 'non-ASCII and markup characters survive, attribute-encoded')
    t.notMatch(res.body, /<b>&"/, 'markup in a description is never raw HTML')

    const session = await em().findOneOrFail(PunchoutSession, { id: sid })
    t.equal(session.status, 'cart_returned')
    const cart = await em().findOneOrFail(Cart, { sessionId: sid })
    t.equal(cart.transport, 'oci')
    t.equal(JSON.parse(cart.document!).length, formInputs(res.body).length)
    const entry = await em().findOneOrFail(JournalEntry, { sessionId: sid, channel: 'cart' })
    t.equal(entry.customerId, customer.id)
  })

  t.test('end to end through the built-in storefront: login, add to cart, return', async (t) => {
    const login = await ociGet(app, loginParams())
    const { loginPath, claims } = await followStart(app, login.headers.location as string)
    const { page, post } = await enterShop(app, loginPath)
    t.match(page.body, /Welcome, Hans Müller/)
    const add = await post('cart', 'sku=SCR-M6-20&quantity=150')
    t.equal(add.statusCode, 303)
    const res = await post('return')
    t.equal(res.statusCode, 200)
    t.equal(forms(res.body)[0]!.get('action'), HOOK_URL)
    t.match(ociItems(res.body)[0]!.fields, { VENDORMAT: 'SCR-M6-20', QUANTITY: '150', PRICE: '8.25', PRICEUNIT: '100', EXT_PRODUCT_ID: `${claims.sid}/1` })
  })

  t.test('~TARGET=_top is the form target and echoed as sent', async (t) => {
    const sid = await startedOciSession(app, { '~TARGET': '_top', '~OkCode': 'ADDI2' })
    const res = await returnCart(app, sid, SYNTHETIC)
    t.equal(forms(res.body)[0]!.get('target'), '_top')
    t.same(formInputs(res.body).slice(0, 3), [['~OkCode', 'ADDI2'], ['~TARGET', '_top'], ['~CALLER', 'CTLG']])
  })

  t.test('VALIDATE with the EXT_PRODUCT_ID of a returned line re-prices that product', async (t) => {
    const sid = await startedOciSession(app)
    await returnCart(app, sid, [{ sku: 'GLV-NIT-L', quantity: 1, unitPrice: 12.8, currency: 'EUR', description: 'Nitrile gloves, size L', unitOfMeasure: 'BX' }])
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: `${sid}/1`, QUANTITY: '4' }))
    t.equal(res.statusCode, 200)
    t.match(ociItems(res.body)[0]!.fields, { VENDORMAT: 'GLV-NIT-L', PRICE: '10.95', QUANTITY: '4' })
  })

  t.test("another customer's EXT_PRODUCT_ID does not resolve (tenant isolation)", async (t) => {
    const sid = await startedOciSession(app)
    await returnCart(app, sid, SYNTHETIC)
    const other = await createCustomer(app, { identityProfile: 'sap-oci', returnUrlHosts: ['srm.buyer.example.com'] })
    await addCredential(app, other.id, { protocol: 'oci', username: 'other-tech', password: 'other-password-1' })
    const res = await ociGet(app, loginParams({ USERNAME: 'other-tech', PASSWORD: 'other-password-1', FUNCTION: 'VALIDATE', PRODUCTID: `${sid}/1`, QUANTITY: '1' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /is not in this catalog/)
  })

  t.test('ISO-8859-1 charset option: the form asks the browser to post in ISO-8859-1', async (t) => {
    await setOciOptions({ charset: 'ISO-8859-1' })
    t.teardown(() => setOciOptions({ charset: 'UTF-8' }))
    const sid = await startedOciSession(app)
    const res = await returnCart(app, sid, SYNTHETIC)
    t.equal(res.statusCode, 200)
    t.equal(forms(res.body)[0]!.get('accept-charset'), 'ISO-8859-1')
    t.equal(ociItems(res.body)[1]!.fields.DESCRIPTION, 'Kabel ä ö ü ß, 5 € je Meter, 中文 <b>&"', 'the page itself stays UTF-8; the browser converts')
  })

  t.test('OCI 5.0 XML variant when the customer has ociOptions.xml', async (t) => {
    await setOciOptions({ xml: true })
    t.teardown(() => setOciOptions({ xml: false }))
    const sid = await startedOciSession(app, { OCI_VERSION: '5.0' })
    const res = await returnCart(app, sid, [REAL_WORLD[0]!, ...SYNTHETIC])
    t.equal(res.statusCode, 200)
    const inputs = new Map(formInputs(res.body))
    t.equal(inputs.get('~xml_type'), 'ESAPO')
    t.equal(inputs.get('~OkCode'), 'ADDI')
    t.notOk([...inputs.keys()].some((n) => n.startsWith('NEW_ITEM-')), 'no HTML fields in the XML variant')
    const xml = Buffer.from(inputs.get('~xmlDocument')!, 'base64').toString('utf8')
    t.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<BusinessDocument>/)
    t.equal((xml.match(/<Product /g) ?? []).length, 3)
    t.match(xml, /<Quantity UoM="MTR">2.5<\/Quantity>/)
    t.match(xml, /<Description>Kabel ä ö ü ß, 5 € je Meter, 中文 &lt;b&gt;&amp;&quot;<\/Description>/)
    t.match(xml, /<ItemText>Klare, verzerrungsfreie/)
    const cart = await em().findOneOrFail(Cart, { sessionId: sid })
    t.equal(cart.transport, 'oci-xml')
  })

  t.test('SAP units and optional fields per customer', async (t) => {
    await setOciOptions({ unitSystem: 'sap', unitOverrides: { MTR: 'M' }, optionalFields: ['VENDORMAT'] })
    // Last: a PATCH merges ociOptions, so optionalFields cannot be unset again through the API.
    const sid = await startedOciSession(app)
    const items = ociItems((await returnCart(app, sid, SYNTHETIC)).body)
    t.equal(items[0]!.fields.UNIT, 'ST', 'EA → ST (T006)')
    t.equal(items[1]!.fields.UNIT, 'M', 'customer override')
    t.same(Object.keys(items[0]!.fields).sort(), ['CURRENCY', 'DESCRIPTION', 'PRICE', 'PRICEUNIT', 'QUANTITY', 'UNIT', 'VENDORMAT'])
  })

  t.test('a cart over 20 lines goes out whole, with a warning on the timeline', async (t) => {
    const sid = await startedOciSession(app)
    const many = Array.from({ length: 21 }, (_, i) => ({ ...SYNTHETIC[0]!, sku: `SKU-${i + 1}` }))
    const res = await returnCart(app, sid, many)
    t.equal(ociItems(res.body).length, 21)
    const event = await em().findOneOrFail(SessionEvent, { sessionId: sid, type: 'cart.returned' })
    t.match(event.data.warning, /21 lines/)
  })
})
