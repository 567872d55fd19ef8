import t from 'tap'
import { AuditEntry, CustomerRole } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer } from '../helpers/fixtures.ts'
import { buyerWithRole, customerWithCredential, setupFrom, setUp, signedIn } from './console-helpers.ts'

/**
 * Roles (docs/console.md, "Roles"): the review list across customers (pending roles, and roles
 * refused at setup that are still unmapped) and each customer's mapping screen.
 */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()
const strict = await customerWithCredential(app, { name: 'Strict AG', provisioning: { unknownRoles: 'reject' } })
const lenient = await customerWithCredential(app, { name: 'Lenient SA' })
await setUp(setupFrom(app, lenient.identity, buyerWithRole('Viewer-Temp', 'tom')))
await setupFrom(app, strict.identity, buyerWithRole('Approver-EMEA', 'erika'))
await setupFrom(app, strict.identity, buyerWithRole('approver-emea', 'ella'))
const { agent, browser } = await signedIn(app, 'admin')
const rolesOf = (c: { id: string }) => `/console/customers/${c.id}/roles`
const reviewRows = (body: string) => [...body.matchAll(/<tr><td><a href="[^"]+">([^<]+)<\/a><\/td><td><strong>([^<]+)<\/strong><\/td>/g)].map((m) => `${m[1]}: ${m[2]}`)

t.test('the review list: pending roles and refused ones, oldest first, each with a way to map it', async (t) => {
  const page = await browser.get('/console/roles')
  t.same(reviewRows(page.body), ['Lenient SA: Viewer-Temp', 'Strict AG: approver-emea'], 'one entry per role, whatever its case')
  t.match(page.body, /Viewer-Temp[\s\S]*?badge pending">pending<[\s\S]*?1 user\(s\)/)
  t.match(page.body, /approver-emea[\s\S]*?badge rejected">refused at setup<[\s\S]*?2 failed setup\(s\)/)
  t.match(page.body, `href="${rolesOf(strict)}?map=approver-emea#map"`)
})

t.test("a customer's roles: refused roles on top, the mapping form filled in from the link", async (t) => {
  const page = await browser.get(`${rolesOf(strict)}?map=Approver-EMEA`)
  t.match(page.body, /<div class="card error" id="refused-roles">[\s\S]*?<strong>approver-emea<\/strong><\/td><td class="num">2<\/td>/)
  t.match(page.body, /<form method="post" action="[^"]+" id="map-form">[\s\S]*?name="role" value="Approver-EMEA"/)
  t.match(page.body, /<input type="checkbox" name="permissions" value="view_invoices"> <code>view_invoices<\/code> <span class="muted">See invoices of the customer\.<\/span>/)
})

t.test('mapping a refused role takes it off the list, and its buyers punch out again', async (t) => {
  const res = await browser.post(rolesOf(strict), { role: 'Approver-EMEA', permissions: ['browse', 'add_to_cart', 'return_cart'], spendLimit: '5000', reason: 'ticket 4711' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, rolesOf(strict))
  t.match(await em().findOneOrFail(CustomerRole, { customerId: strict.id, nameKey: 'approver-emea' }), { status: 'mapped', permissions: ['browse', 'add_to_cart', 'return_cart'], spendLimit: '5000.00' })
  t.match((await em().find(AuditEntry, { action: 'role.map' }))[0], { actor: `agent:${agent.email}`, reason: 'ticket 4711', customerId: strict.id })
  t.same(reviewRows((await browser.get('/console/roles')).body), ['Lenient SA: Viewer-Temp'])
  t.notMatch((await browser.get(rolesOf(strict))).body, 'Refused at setup')
  t.equal(cxmlAnswer((await setupFrom(app, strict.identity, buyerWithRole('Approver-EMEA', 'erika'))).body).code, 200)
})

t.test('mapping a pending role, remapping, deleting', async (t) => {
  t.equal((await browser.post(rolesOf(lenient), { role: 'Viewer-Temp', permissions: 'browse' })).statusCode, 303)
  t.same(reviewRows((await browser.get('/console/roles')).body), [])
  t.match((await browser.get('/console/roles')).body, 'Nothing to review')
  t.equal((await browser.post(rolesOf(lenient), { role: 'viewer-temp', permissions: ['browse', 'view_invoices'], spendLimit: '' })).statusCode, 303)
  t.match(await em().findOneOrFail(CustomerRole, { customerId: lenient.id, nameKey: 'viewer-temp' }), { permissions: ['browse', 'view_invoices'], spendLimit: null })
  const page = await browser.get(rolesOf(lenient))
  t.match(page.body, /<tr id="role-viewer-temp"><td><strong>Viewer-Temp<\/strong><\/td>\s*<td><span class="badge mapped">mapped<\/span><\/td><td><code>browse<\/code> <code>view_invoices<\/code>/)
  t.equal((await browser.post(`${rolesOf(lenient)}/delete`, { role: 'Viewer-Temp', reason: 'obsolete' })).statusCode, 303)
  t.equal(await em().count(CustomerRole, { customerId: lenient.id, nameKey: 'viewer-temp' }), 0)
})

t.test('refusals are explained: the default role, a bad spend limit, an unknown permission', async (t) => {
  const page = await browser.get(rolesOf(lenient))
  t.notMatch(page.body, /name="role" value="buyer"><button class="danger"/, 'the default role offers no delete')
  const def = await browser.post(`${rolesOf(lenient)}/delete`, { role: 'buyer' })
  t.equal(def.statusCode, 409)
  t.match(def.body, /is the default role of Lenient SA/)
  t.match(def.body, `<a class="button secondary" href="/console">Back</a>`, 'a way back (the page it came from when the browser says)')
  const spend = await browser.post(rolesOf(lenient), { role: 'X', permissions: 'browse', spendLimit: '1.005' }, { referer: `https://gateway.test${rolesOf(lenient)}` })
  t.equal(spend.statusCode, 400)
  t.match(spend.body, 'spendLimit: must have at most 2 decimals')
  t.match(spend.body, `href="${rolesOf(lenient)}">Back</a>`)
  const permission = await browser.post(rolesOf(lenient), { role: 'X', permissions: 'launch_missiles' })
  t.equal(permission.statusCode, 400)
  t.equal(await em().count(CustomerRole, { customerId: lenient.id, nameKey: 'x' }), 0)
})
