import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer } from '../helpers/fixtures.ts'
import { seedCatalog, startedSession } from '../helpers/punchout.ts'
import { enterShop } from '../helpers/shop.ts'
import { formInputs } from '../helpers/oci-form.ts'

/**
 * The built-in storefront prices with the contract prices valid today (the test clock's day,
 * 2026-11-23) and prices each cart line at its quantity break (docs/api.md, "Contract prices and
 * price checks"); so its carts pass the price check.
 */
t.test('the shop shows the price valid today and returns quantity breaks that pass the price check', async (t) => {
  const { app, db } = await buildTestApp(t)
  await seedCatalog(db.orm.em.fork())
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const add = (body: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: `/api/customers/${customer.id}/prices`, headers: adminHeaders, payload: { sku: 'GLV-NIT-L', currency: 'EUR', ...body } })
  for (const body of [
    { unitPrice: '8.00', validTo: '2026-11-22' },
    { unitPrice: '10.95', validFrom: '2026-11-23' },
    { unitPrice: '9.50', validFrom: '2026-11-23', minQuantity: 10 },
  ]) t.equal((await add(body)).statusCode, 201)

  const { loginPath, sid } = await startedSession(app)
  const { page, post } = await enterShop(app, loginPath)
  t.match(page.body, /10\.95 EUR <span class="muted">\(contract\)/, 'today\'s price, not yesterday\'s')
  t.notMatch(page.body, /8\.00 EUR/)
  t.equal((await post('cart', 'sku=GLV-NIT-L&quantity=12')).statusCode, 303)
  const back = await post('return')
  const [[, poom]] = formInputs(back.body) as [[string, string]]
  t.match(poom, /<Money currency="EUR">9\.50<\/Money>/, 'the quantity break')
  const timeline = (await app.inject({ method: 'GET', url: `/api/sessions/${sid}`, headers: adminHeaders })).json().timeline as Array<{ type: string; data: { mismatches: number } }>
  t.equal(timeline.find((e) => e.type === 'cart.price_checked')!.data.mismatches, 0)
})
