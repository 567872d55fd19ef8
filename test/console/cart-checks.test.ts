import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { adminHeaders } from '../helpers/fixtures.ts'
import { customerWithCredential, signedIn } from './console-helpers.ts'

/** The customer page shows the cart-check policy and the customer's rules (docs/console.md, "Customers"). */
t.test('the customer page shows the cart checks', async (t) => {
  const { app } = await buildTestApp(t)
  const acme = await customerWithCredential(app, { name: 'Acme Corp' })
  const { browser } = await signedIn(app, 'support')
  t.match((await browser.get(`/console/customers/${acme.id}`)).body, '<dd id="cart-checks">warn · rules <code>{}</code></dd>')
  const cartChecks = { policy: 'block', rules: { requiredExtrinsics: ['CostCenter'] } }
  t.equal((await app.inject({ method: 'PATCH', url: `/api/customers/${acme.id}`, headers: adminHeaders, payload: { cartChecks } })).statusCode, 200)
  t.match((await browser.get(`/console/customers/${acme.id}`)).body, '<dd id="cart-checks">block · rules <code>{&quot;requiredExtrinsics&quot;:[&quot;CostCenter&quot;]}</code></dd>')
})
