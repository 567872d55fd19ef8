import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { adminHeaders } from '../helpers/fixtures.ts'
import { returnCart, seedCatalog } from '../helpers/punchout.ts'
import { call, customerWithBuyer } from '../http/api/accounts-helpers.ts'
import { signedIn } from './console-helpers.ts'

/**
 * The price lookup (docs/console.md, "Price lookup"): an agent on the phone with a buyer reads the
 * price in force, the contract prices and what the buyer last saw, from the customer page or from
 * a line of a returned cart. The test clock stands at 2026-11-23.
 */
const app = await buildTestApp(t)
await seedCatalog(app.db.orm.em.fork())
const a = await customerWithBuyer(app)
const b = await customerWithBuyer(app)
const A = a.customer.id
for (const price of [
  { sku: 'PAP-A4-80', unitPrice: '4.60', currency: 'EUR', validTo: '2026-12-31' },
  { sku: 'PAP-A4-80', unitPrice: '4.20', currency: 'EUR', validTo: '2026-12-31', minQuantity: '50' },
]) {
  const res = await call(app, 'POST', `/api/customers/${A}/prices`, adminHeaders, price)
  if (res.statusCode !== 201) throw new Error(res.body)
}
const returned = await returnCart(app.app, a.sid, [{ sku: 'PAP-A4-80', quantity: 60, unitPrice: 4.6, currency: 'EUR', description: 'Paper', unitOfMeasure: 'PK' }], 'application/json')
if (returned.statusCode !== 200) throw new Error(returned.body)
const { browser } = await signedIn(app.app, 'auditor')
const lookup = (customer: string, sku: string) => browser.get(`/console/customers/${customer}/prices?sku=${encodeURIComponent(sku)}`)
const section = (body: string, id: string) => new RegExp(`id="${id}">([\\s\\S]*?)</div>`).exec(body)?.[1] ?? ''

t.test('the customer page links to the lookup, which starts with an empty form', async (t) => {
  t.match((await browser.get(`/console/customers/${A}`)).body, `href="/console/customers/${A}/prices" id="price-lookup"`)
  const page = await browser.get(`/console/customers/${A}/prices`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'id="price-lookup-form"')
  t.notMatch(page.body, 'id="price-in-force"')
})

t.test('a SKU with contract prices: the price in force, both contract prices, and the cart that disagrees', async (t) => {
  const page = await lookup(A, 'PAP-A4-80')
  t.equal(page.statusCode, 200)
  t.match(section(page.body, 'price-in-force'), /In force today: <strong>4\.60 EUR \(contract, until 2026-12-31\)<\/strong>[\s\S]*List price: 5\.49 EUR/)
  t.match(section(page.body, 'contract-prices'), /4\.60 EUR[\s\S]*4\.20 EUR<\/td><td>50/)
  const seen = section(page.body, 'last-seen')
  t.match(seen, `href="/console/sessions/${a.sid}"`)
  t.match(seen, /60 × 4\.60 EUR/)
  t.match(seen, /<dt>Then<\/dt><dd><span class="badge failed">does not agree<\/span> expected 4\.20 EUR \(contract, from 50/)
})

t.test('a SKU without a contract price answers its list price, and that no cart had it', async (t) => {
  const page = await lookup(A, 'CBL-CAT6-3M')
  t.match(section(page.body, 'price-in-force'), /4\.25 EUR \(list price\)/)
  t.match(section(page.body, 'contract-prices'), 'No contract price for this SKU')
  t.match(section(page.body, 'last-seen'), 'No returned cart of this customer has this SKU')
})

t.test("each line of a returned cart on the session page opens the lookup for its SKU", async (t) => {
  const page = await browser.get(`/console/sessions/${a.sid}`)
  t.match(page.body, `<a href="/console/customers/${A}/prices?sku=PAP-A4-80"><code>PAP-A4-80</code></a>`)
})

t.test('an overlong SKU is refused with the form kept; another customer of a scoped agent is not found', async (t) => {
  const long = await lookup(A, 'X'.repeat(201))
  t.equal(long.statusCode, 400)
  t.match(long.body, 'A SKU has at most 200 characters.')
  const scoped = await signedIn(app.app, 'support', [b.customer.id])
  t.equal((await scoped.browser.get(`/console/customers/${A}/prices?sku=PAP-A4-80`)).statusCode, 404)
})
