import t from 'tap'
import { Cart, JournalEntry, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer } from '../helpers/fixtures.ts'
import { formInputs, ociItems } from '../helpers/oci-form.ts'
import { returnCart, seedCatalog, startedSession } from '../helpers/punchout.ts'
import { enterShop } from '../helpers/shop.ts'
import { ociTestApp, startedOciSession } from './oci/oci-helpers.ts'

/**
 * Cart checks per buyer system (docs/identity-profiles.md, "Cart checks per buyer system"): each
 * rule under `warn` (the cart goes, the findings are on the timeline) and `block` (a 422 listing
 * them, nothing sent, the session as it was), for cXML and OCI carts.
 */

const GOOD = {
  sku: 'GLV-NIT-L', quantity: 2, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves', unitOfMeasure: 'BX',
  classification: '46181504', extrinsics: { CostCenter: '4711' },
}
const bad = (over: Record<string, unknown>) => ({ ...GOOD, sku: 'BAD-1', extrinsics: { CostCenter: '4711' }, ...over })

/** One bad line per rule, with the customer's changes to its preset that make the rule apply under both presets used here. */
const CASES: Array<{ rule: string; item: Record<string, unknown>; rules?: Record<string, unknown> }> = [
  { rule: 'unit.unknown', item: bad({ unitOfMeasure: 'BOXX' }) },
  { rule: 'classification.missing', item: bad({ classification: undefined }), rules: { requireClassification: true } },
  { rule: 'classification.malformed', item: bad({ classification: '4618150' }) },
  { rule: 'description.too_long', item: bad({ description: 'Nitrile gloves, powder-free' }), rules: { maxDescriptionLength: 20 } },
  { rule: 'field.too_long', item: bad({ auxiliaryId: 'A'.repeat(300) }) },
  { rule: 'quantity.range', item: bad({ quantity: 500 }), rules: { maxQuantity: 100 } },
  { rule: 'price.range', item: bad({ unitPrice: 0 }), rules: { allowZeroPrice: false } },
  { rule: 'extrinsic.missing', item: bad({ extrinsics: undefined }), rules: { requiredExtrinsics: ['CostCenter'] } },
]

type Timeline = Array<{ type: string; data: Record<string, unknown> }>

for (const protocol of ['cxml', 'oci'] as const) {
  t.test(`${protocol} carts`, async (t) => {
    const built = protocol === 'oci' ? await ociTestApp(t) : await cxmlApp(t)
    const { app, db } = built
    const customerId = built.customer.id
    const em = () => db.orm.em.fork()
    const setChecks = async (cartChecks: Record<string, unknown>) => {
      const res = await app.inject({ method: 'PATCH', url: `/api/customers/${customerId}`, headers: adminHeaders, payload: { cartChecks } })
      t.equal(res.statusCode, 200, res.body)
    }
    const session = async () => (protocol === 'oci' ? startedOciSession(app) : (await startedSession(app)).sid)
    const timeline = async (sid: string) => (await app.inject({ method: 'GET', url: `/api/sessions/${sid}`, headers: adminHeaders })).json().timeline as Timeline

    for (const { rule, item, rules = {} } of CASES) {
      t.test(`${rule}, warn: the cart goes and the finding is on the timeline`, async (t) => {
        await setChecks({ policy: 'warn', rules })
        const sid = await session()
        const res = await returnCart(app, sid, [GOOD, item])
        t.equal(res.statusCode, 200, res.body)
        const checked = (await timeline(sid)).find((e) => e.type === 'cart.checked')!
        t.match(checked.data, { policy: 'warn', blocked: false, count: 1, findings: [{ line: 2, sku: 'BAD-1', rule }] })
        t.equal(checked.data.cartId, (await em().findOneOrFail(Cart, { sessionId: sid })).id, 'written with the cart')
        t.equal((await em().findOneOrFail(PunchoutSession, { id: sid })).status, 'cart_returned')
      })

      t.test(`${rule}, block: a 422 naming the line, nothing sent, the session unchanged`, async (t) => {
        await setChecks({ policy: 'block', rules })
        const sid = await session()
        const res = await returnCart(app, sid, [GOOD, item])
        t.equal(res.statusCode, 422)
        t.match(res.json(), { code: 'PG_ERR_CART_CHECK_FAILED', message: /line 2 \(BAD-1\)/, findings: [{ line: 2, sku: 'BAD-1', rule, message: String }] })
        t.equal(res.json().findings.length, 1)
        t.equal(await em().count(Cart, { sessionId: sid }), 0, 'no cart kept')
        t.equal((await em().findOneOrFail(PunchoutSession, { id: sid })).status, 'started')
        const entry = await em().findOneOrFail(JournalEntry, { sessionId: sid, channel: 'cart' })
        t.match(entry, { httpStatus: 422, outcome: 'refused', errorCode: 'PG_ERR_CART_CHECK_FAILED' })
        t.match((await timeline(sid)).find((e) => e.type === 'cart.checked')?.data, { policy: 'block', blocked: true, findings: [{ line: 2, rule }] })
      })
    }

    t.test('currency.mixed: blocked with the other findings; under warn refused as before (one Total, one currency)', async (t) => {
      await setChecks({ policy: 'block', rules: {} })
      const blocked = await returnCart(app, await session(), [GOOD, bad({ currency: 'USD', unitOfMeasure: 'BOXX' })])
      t.equal(blocked.statusCode, 422)
      t.same(blocked.json().findings.map((f: { rule: string }) => f.rule), ['unit.unknown', 'currency.mixed'])
      await setChecks({ policy: 'warn' })
      const warned = await returnCart(app, await session(), [GOOD, bad({ currency: 'USD' })])
      t.match(warned.json(), { code: 'PG_ERR_CART_INVALID', message: /one currency/ })
    })

    t.test('a cart without findings puts no cart.checked event on the timeline', async (t) => {
      await setChecks({ policy: 'block', rules: {} })
      const sid = await session()
      t.equal((await returnCart(app, sid, [GOOD])).statusCode, 200)
      t.notOk((await timeline(sid)).some((e) => e.type === 'cart.checked'))
    })
  })
}

t.test('OCI: the sap-oci rules apply by default (DESCRIPTION 40)', async (t) => {
  const { app } = await ociTestApp(t)
  const sid = await startedOciSession(app)
  const res = await returnCart(app, sid, [{ ...GOOD, description: 'Nitrile examination gloves, powder-free, size L, box of 100' }])
  t.equal(res.statusCode, 200)
  t.equal(ociItems(res.body)[0]!.fields.DESCRIPTION!.length, 40)
  const timeline = (await app.inject({ method: 'GET', url: `/api/sessions/${sid}`, headers: adminHeaders })).json().timeline as Timeline
  t.match(timeline.find((e) => e.type === 'cart.checked')!.data, { buyerSystem: 'sap-oci', findings: [{ rule: 'description.too_long', message: /keeps 40/ }] })
})

t.test('cXML: a line\'s extrinsics go out in ItemDetail', async (t) => {
  const { app } = await cxmlApp(t)
  const { sid } = await startedSession(app)
  const poom = (await returnCart(app, sid, [GOOD], 'application/json')).json().fields['cxml-urlencoded'] as string
  t.match(poom, /<Classification domain="UNSPSC">46181504<\/Classification>\s*<Extrinsic name="CostCenter">4711<\/Extrinsic>\s*<\/ItemDetail>/)
})

t.test('the customer API shows and changes the settings, validated', async (t) => {
  const { app, customer } = await cxmlApp(t)
  const url = `/api/customers/${customer.id}`
  t.match((await app.inject({ method: 'GET', url, headers: adminHeaders })).json(), { cartChecks: { policy: 'warn', rules: {} } })
  const patched = await app.inject({ method: 'PATCH', url, headers: adminHeaders, payload: { cartChecks: { rules: { requiredExtrinsics: ['CostCenter'] } } } })
  t.match(patched.json(), { cartChecks: { policy: 'warn', rules: { requiredExtrinsics: ['CostCenter'] } } })
  const policy = await app.inject({ method: 'PATCH', url, headers: adminHeaders, payload: { cartChecks: { policy: 'block' } } })
  t.match(policy.json(), { cartChecks: { policy: 'block', rules: { requiredExtrinsics: ['CostCenter'] } } }, 'a policy change keeps the rules')
  for (const cartChecks of [{ policy: 'refuse' }, { rules: { maxQuantity: 'many' } }, { rules: { unknownRule: true } }]) {
    t.equal((await app.inject({ method: 'PATCH', url, headers: adminHeaders, payload: { cartChecks } })).statusCode, 400, JSON.stringify(cartChecks))
  }
  const created = await createCustomer(app, { cartChecks: { policy: 'block', rules: { requireClassification: true } } })
  t.match((await app.inject({ method: 'GET', url: `/api/customers/${created.id}`, headers: adminHeaders })).json(), { cartChecks: { policy: 'block', rules: { requireClassification: true } } })
})

t.test('the built-in storefront: a blocked cart is a page naming the lines, the cart stays; warn sends it', async (t) => {
  const { app, db, customer } = await cxmlApp(t)
  await seedCatalog(db.orm.em.fork())
  const setChecks = (cartChecks: Record<string, unknown>) =>
    app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { cartChecks } })
  await setChecks({ policy: 'block', rules: { maxQuantity: 10 } })
  const { loginPath, sid } = await startedSession(app)
  const shop = await enterShop(app, loginPath)
  t.equal((await shop.post('cart', 'sku=GLV-NIT-L&quantity=12')).statusCode, 303)
  const blocked = await shop.post('return')
  t.equal(blocked.statusCode, 422)
  t.match(blocked.body, /Your cart was not sent/)
  t.match(blocked.body, /<td>1<\/td><td>GLV-NIT-L<\/td><td>quantity 12 is outside the accepted range/)
  t.match(blocked.body, new RegExp(`href="${shop.base}#cart" id="back-to-cart"`))
  t.equal(formInputs(blocked.body).length, 0, 'no form to the buyer system')
  t.equal((await db.orm.em.fork().findOneOrFail(PunchoutSession, { id: sid })).status, 'started')
  t.match((await shop.get()).body, /<td>GLV-NIT-L<\/td><td>Nitrile gloves, size L<\/td><td>12<\/td>/, 'the cart is intact')

  await setChecks({ policy: 'warn' })
  const sent = await shop.post('return')
  t.equal(sent.statusCode, 200)
  t.equal(formInputs(sent.body)[0]![0], 'cxml-urlencoded')
  const timeline = (await app.inject({ method: 'GET', url: `/api/sessions/${sid}`, headers: adminHeaders })).json().timeline as Timeline
  t.same(timeline.filter((e) => e.type === 'cart.checked').map((e) => e.data.blocked), [true, false], 'the blocked and the sent cart, both on the timeline')
})

async function cxmlApp(t: Parameters<typeof buildTestApp>[0]) {
  const built = await buildTestApp(t)
  const customer = await createCustomer(built.app, { identityProfile: 'coupa' })
  await addCredential(built.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  return { ...built, customer }
}
