import t from 'tap'
import { AuditEntry, BuyerUser, Credential, Customer, CustomerRole } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { buyerWithRole, customerWithCredential, setUp, setupFrom, signedIn } from './console-helpers.ts'

/**
 * Who may do what in the console (docs/console.md, "Who may do what"): the same capabilities and
 * customer scope as the API, checked on the server whatever a page shows.
 */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()

const acme = await customerWithCredential(app, { name: 'Acme Corp' })
const globex = await customerWithCredential(app, { name: 'Globex' })
await setUp(setupFrom(app, acme.identity, buyerWithRole('Approver-EMEA')))
await setUp(setupFrom(app, globex.identity, buyerWithRole('Globex-Buyer', 'gina')))
const acmeUser = await em().findOneOrFail(BuyerUser, { customerId: acme.id })
const globexSession = (await em().getConnection().execute('select id from punchout_sessions where customer_id = ?', [globex.id]))[0].id as string
const acmeCredential = await em().findOneOrFail(Credential, { customerId: acme.id })

const customerPage = `/console/customers/${acme.id}`
const writes = {
  edit: [`${customerPage}/edit`, { name: 'Hacked', tier: 'x', slaTier: '1', retentionDays: '1', identityProfile: 'generic', cartTransport: 'cxml-urlencoded', unknownRoles: 'pending', defaultRole: 'buyer' }],
  allowList: [`${customerPage}/return-urls`, { hosts: 'evil.example' }],
  addCredential: [`${customerPage}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-EVIL', secret: 'x' }],
  rotate: [`${customerPage}/credentials/${acmeCredential.id}/rotate`, {}],
  revoke: [`${customerPage}/credentials/${acmeCredential.id}/revoke`, {}],
  mapRole: [`${customerPage}/roles`, { role: 'Approver-EMEA', permissions: 'view_invoices' }],
  deleteRole: [`${customerPage}/roles/delete`, { role: 'Approver-EMEA' }],
} as const

async function snapshot() {
  const e = em()
  return {
    customer: await e.findOneOrFail(Customer, { id: acme.id }),
    credentials: (await e.find(Credential, { customerId: acme.id })).map((c) => [c.id, c.revokedAt]),
    roles: (await e.find(CustomerRole, { customerId: acme.id })).map((r) => [r.name, r.status, r.permissions]),
    user: (await e.findOneOrFail(BuyerUser, { id: acmeUser.id })).status,
    audit: await e.count(AuditEntry, { actor: { $like: 'agent:%' } }),
  }
}

t.test('E4 role-auditor-write: an auditor sees no write button, and a forged form is refused with nothing changed', async (t) => {
  const { browser } = await signedIn(app, 'auditor')
  for (const url of [customerPage, `${customerPage}/roles`, `/console/users?customer=${acme.id}`]) {
    const page = await browser.get(url)
    t.equal(page.statusCode, 200, url)
    t.notMatch(page.body, /<form method="post" action="\/console\/(customers|users)/, `${url}: no write form`)
    t.notMatch(page.body, /Edit settings|Rotate|Revoke|Save mapping|Disable user/, `${url}: no write button`)
  }
  t.equal((await browser.get(`${customerPage}/edit`)).statusCode, 403, 'the edit form itself is refused')
  const before = await snapshot()
  for (const [name, [url, fields]] of Object.entries({ ...writes, disable: [`/console/users/${acmeUser.id}/disable`, { reason: 'x' }] as const })) {
    const res = await browser.post(url, fields)
    t.equal(res.statusCode, 403, name)
    t.match(res.body, 'PG_ERR_API_FORBIDDEN', name)
  }
  t.same(await snapshot(), before)
})

t.test('support operates on buyers but cannot change customers or mappings', async (t) => {
  const { browser } = await signedIn(app, 'support')
  const page = await browser.get(customerPage)
  t.notMatch(page.body, /Edit settings|Rotate|Revoke|Save allow-list|Add credential/)
  t.notMatch((await browser.get(`${customerPage}/roles`)).body, /Save mapping|Delete mapping/)
  t.match((await browser.get(`/console/users?customer=${acme.id}`)).body, 'Disable user', 'support may disable buyers')
  const before = await snapshot()
  for (const [name, [url, fields]] of Object.entries(writes)) {
    t.equal((await browser.post(url, fields)).statusCode, 403, name)
  }
  t.same(await snapshot(), before)
  const disabled = await browser.post(`/console/users/${acmeUser.id}/disable`, { reason: 'left the company' })
  t.equal(disabled.statusCode, 303)
  t.equal((await em().findOneOrFail(BuyerUser, { id: acmeUser.id })).status, 'disabled')
  const enabled = await browser.post(`/console/users/${acmeUser.id}/enable`, { reason: 'back again' })
  t.equal(enabled.statusCode, 303)
})

t.test('an admin sees the write buttons', async (t) => {
  const { browser } = await signedIn(app, 'admin')
  const page = await browser.get(customerPage)
  t.match(page.body, 'Edit settings')
  t.match(page.body, 'Rotate')
  t.match(page.body, 'Save allow-list')
  t.match((await browser.get(`${customerPage}/roles`)).body, 'Save mapping')
})

t.test("E3 admin-idor: an agent limited to one customer sees only it; another customer's pages do not exist for them", async (t) => {
  const { browser } = await signedIn(app, 'admin', [acme.id])
  const list = await browser.get('/console/customers')
  t.match(list.body, 'Acme Corp')
  t.notMatch(list.body, 'Globex')
  const other = `/console/customers/${globex.id}`
  for (const url of [other, `${other}/edit`, `${other}/roles`, `/console/users?customer=${globex.id}`, `/console/sessions/${globexSession}`]) {
    const res = await browser.get(url)
    t.equal(res.statusCode, 404, url)
    t.notMatch(res.body, 'Globex', `${url}: nothing of the other customer`)
  }
  for (const page of ['/console/sessions', '/console/roles', '/console', '/console/requests', '/console/users']) {
    t.notMatch((await browser.get(page)).body, /Globex/, `${page}: nothing of the other customer`)
  }
  const forged = await browser.post(`${other}/roles`, { role: 'Globex-Buyer', permissions: 'view_invoices' })
  t.equal(forged.statusCode, 404)
  t.equal((await em().findOneOrFail(CustomerRole, { customerId: globex.id, nameKey: 'globex-buyer' })).status, 'pending')
})
