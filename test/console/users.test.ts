import t from 'tap'
import { AuditEntry, BuyerUser } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer } from '../helpers/fixtures.ts'
import { customerWithCredential, setupFrom, setUp, signedIn } from './console-helpers.ts'

/** Buyer users (docs/console.md, "Users"): search, disable and enable with a reason. */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()
const acme = await customerWithCredential(app, { name: 'Acme Corp' })
const other = await customerWithCredential(app, { name: 'Other Co' })
const person = (name: string, first: string, last: string) => ({ extrinsics: [['UserEmail', `${name}@buyer.example.com`], ['UniqueName', name], ['FirstName', first], ['LastName', last]] as Array<[string, string]> })
await setUp(setupFrom(app, acme.identity, person('jane', 'Jane', 'Buyer')))
await setUp(setupFrom(app, acme.identity, person('john', 'John', 'Doe')))
await setUp(setupFrom(app, other.identity, person('olga', 'Olga', 'Other')))
const { agent, browser } = await signedIn(app, 'support')
// Users created in one instant come in id order: compared as sets.
const rows = (body: string) => [...body.matchAll(/<tr><td><code>([^<]+)<\/code>/g)].map((m) => m[1]!).sort()

t.test("the first customer's users until another is chosen; search by name or e-mail", async (t) => {
  const page = await browser.get('/console/users')
  t.equal(page.statusCode, 200)
  t.same(rows(page.body), ['jane', 'john'])
  t.match(page.body, `<option value="${acme.id}" selected>Acme Corp</option>`)
  t.same(rows((await browser.get(`/console/users?customer=${other.id}`)).body), ['olga'])
  t.same(rows((await browser.get(`/console/users?customer=${acme.id}&q=DOE`)).body), ['john'])
  t.same(rows((await browser.get(`/console/users?customer=${acme.id}&q=jane%40buyer`)).body), ['jane'])
})

t.test('disable with a reason: audited, and the buyer is refused; enable brings them back', async (t) => {
  const jane = await em().findOneOrFail(BuyerUser, { customerId: acme.id, uniqueName: 'jane' })
  const res = await browser.post(`/console/users/${jane.id}/disable`, { reason: 'left the company' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/console/users?customer=${acme.id}`)
  t.match(await em().findOneOrFail(AuditEntry, { action: 'user.disable', targetId: jane.id }), { actor: `agent:${agent.email}`, reason: 'left the company' })
  t.equal(cxmlAnswer((await setupFrom(app, acme.identity, person('jane', 'Jane', 'Buyer'))).body).code, 403)
  const page = await browser.get(`/console/users?customer=${acme.id}&status=disabled`)
  t.same(rows(page.body), ['jane'])
  t.match(page.body, '<span class="badge disabled">disabled</span>')
  t.match(page.body, `action="/console/users/${jane.id}/enable"`)
  t.equal((await browser.post(`/console/users/${jane.id}/enable`, { reason: 'back' })).statusCode, 303)
  t.equal(cxmlAnswer((await setupFrom(app, acme.identity, person('jane', 'Jane', 'Buyer'))).body).code, 200)
})

t.test('pages of 50 users', async (t) => {
  for (let i = 0; i < 50; i++) await setUp(setupFrom(app, other.identity, person(`user${String(i).padStart(2, '0')}`, 'U', String(i))))
  const first = await browser.get(`/console/users?customer=${other.id}`)
  t.equal(rows(first.body).length, 50)
  const next = /id="next-page" href="([^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&')
  t.equal(next, `/console/users?customer=${other.id}&offset=50`)
  const second = rows((await browser.get(next)).body)
  t.equal(second.length, 1)
  t.equal(new Set([...rows(first.body), ...second]).size, 51, 'every user once')
})
