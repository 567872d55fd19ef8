import t from 'tap'
import { buildTestApp, usingPostgres } from '../../helpers/app.ts'
import { adminHeaders, setupRequest } from '../../helpers/fixtures.ts'
import { DEFAULT_PERMISSIONS, PERMISSIONS } from '../../../src/domain/provisioning/permissions.ts'
import { SigningKey } from '../../../src/persistence/entities/index.ts'
import { api, auditOf, buyerCustomer, jwks, punchout, rolesOf, usersOf } from './punchout-helpers.ts'

/**
 * The role-mapping, user and key admin API (issue 4): zod-validated, refused with stable codes,
 * and every write audited with actor, time, before and after, in the same transaction.
 */
const db = usingPostgres() ? 'PostgreSQL' : 'PGlite'
const app = await buildTestApp(t)
const NO_CUSTOMER = '00000000-0000-4000-8000-000000000000'
const at = () => app.clock.now.toISOString()

async function tokenHeaders(role: 'admin' | 'support' | 'auditor' | 'storefront') {
  const res = await api(app, 'POST', '/api/tokens', { name: `${role}-${Math.random().toString(36).slice(2, 8)}`, role })
  return { authorization: `Bearer ${res.json().token}` }
}

const person = (unique: string, roles: string[] = [], extra: Array<[string, string]> = []): Array<[string, string]> => [
  ['UniqueName', unique], ['UserEmail', `${unique.toLowerCase()}@buyer.example.com`], ...roles.map((r): [string, string] => ['Role', r]), ...extra,
]

t.test('GET /api/permissions lists the catalog with descriptions', async (t) => {
  const res = await api(app, 'GET', '/api/permissions')
  t.equal(res.statusCode, 200)
  t.same(res.json().map((p: { name: string }) => p.name), Object.keys(PERMISSIONS))
  t.match(res.json(), [{ name: 'browse', description: PERMISSIONS.browse, default: true }])
  t.same(res.json().filter((p: { default: boolean }) => p.default).map((p: { name: string }) => p.name), DEFAULT_PERMISSIONS)
})

t.test(`roles: map, remap case-insensitively, delete — audited (${db})`, async (t) => {
  const { customer } = await buyerCustomer(app)
  const initial = await api(app, 'GET', `/api/customers/${customer.id}/roles`)
  t.equal(initial.statusCode, 200)
  t.match(initial.json(), [{ name: 'buyer', status: 'mapped', permissions: DEFAULT_PERMISSIONS, spendLimit: null, userCount: 0 }])

  const created = await api(app, 'PUT', `/api/customers/${customer.id}/roles/Approver`, { permissions: ['view_invoices', 'browse', 'browse'], spendLimit: 5000 })
  t.equal(created.statusCode, 200)
  t.same(created.json(), { name: 'Approver', status: 'mapped', permissions: ['browse', 'view_invoices'], spendLimit: 5000, createdAt: at(), updatedAt: at() })

  app.clock.advance(5)
  const remapped = await api(app, 'PUT', `/api/customers/${customer.id}/roles/APPROVER`, { permissions: ['browse', 'order_on_account'] })
  t.equal(remapped.statusCode, 200)
  t.match(remapped.json(), { name: 'Approver', permissions: ['browse', 'order_on_account'], spendLimit: 5000, updatedAt: at() }, 'same role; omitted spendLimit kept')
  const cleared = await api(app, 'PUT', `/api/customers/${customer.id}/roles/approver`, { permissions: ['browse'], spendLimit: null })
  t.equal(cleared.json().spendLimit, null, 'null removes the limit')
  t.same((await rolesOf(app, customer.id)).map((r) => r.name), ['Approver', 'buyer'], 'one row per name, whatever the case')

  const deleted = await api(app, 'DELETE', `/api/customers/${customer.id}/roles/approver`)
  t.equal(deleted.statusCode, 204)
  t.equal(deleted.body, '')
  t.same((await rolesOf(app, customer.id)).map((r) => r.name), ['buyer'])

  const entries = (await auditOf(app, { targetType: 'customer', targetId: customer.id })).filter((e) => e.action.startsWith('role.'))
  t.same(entries.map((e) => e.action), ['role.map', 'role.map', 'role.map', 'role.delete'])
  t.match(entries[0], { actor: 'bootstrap-admin', before: null, after: { name: 'Approver', permissions: ['browse', 'view_invoices'], spendLimit: 5000 } })
  t.match(entries[1], { before: { permissions: ['browse', 'view_invoices'] }, after: { permissions: ['browse', 'order_on_account'] } })
  t.equal(entries[1]!.at.toISOString(), app.clock.now.toISOString())
  t.match(entries[3], { before: { name: 'Approver', spendLimit: null }, after: null })
})

t.test('roles: refusals change nothing', async (t) => {
  const { customer } = await buyerCustomer(app)
  const auditBefore = (await auditOf(app, { targetType: 'customer', targetId: customer.id })).length
  const invalid: Array<[string, unknown]> = [
    ['an unknown permission', { permissions: ['browse', 'launch_rockets'] }],
    ['no permissions list', { spendLimit: 10 }],
    ['a negative spend limit', { permissions: [], spendLimit: -1 }],
    ['a spend limit with three decimals', { permissions: [], spendLimit: 10.005 }],
    ['a spend limit as text', { permissions: [], spendLimit: '100' }],
  ]
  for (const [name, body] of invalid) {
    const res = await api(app, 'PUT', `/api/customers/${customer.id}/roles/Approver`, body)
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().code, 'PG_ERR_API_VALIDATION', name)
  }
  t.match((await api(app, 'PUT', `/api/customers/${customer.id}/roles/Approver`, { permissions: ['fly'] })).json().message, /permissions\/0/)
  const blank = await api(app, 'PUT', `/api/customers/${customer.id}/roles/%20`, { permissions: [] })
  t.equal(blank.statusCode, 400, 'a blank role name')

  const defaultRole = await api(app, 'DELETE', `/api/customers/${customer.id}/roles/BUYER`)
  t.equal(defaultRole.statusCode, 409)
  t.equal(defaultRole.json().code, 'PG_ERR_CONFLICT')
  t.match(defaultRole.json().message, /"buyer" is the default role of Acme Corp.*Make another role the default first/)
  const unknownRole = await api(app, 'DELETE', `/api/customers/${customer.id}/roles/ghost`)
  t.equal(unknownRole.statusCode, 404)
  t.equal(unknownRole.json().code, 'PG_ERR_NOT_FOUND')

  for (const [method, url, body] of [
    ['GET', `/api/customers/${NO_CUSTOMER}/roles`],
    ['PUT', `/api/customers/${NO_CUSTOMER}/roles/buyer`, { permissions: ['browse'] }],
    ['DELETE', `/api/customers/${NO_CUSTOMER}/roles/buyer`],
    ['GET', `/api/customers/${NO_CUSTOMER}/users`],
  ] as Array<['GET' | 'PUT' | 'DELETE', string, unknown?]>) {
    const res = await api(app, method, url, body)
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.json().code, 'PG_ERR_NOT_FOUND')
  }
  t.same((await rolesOf(app, customer.id)).map((r) => [r.name, r.permissions]), [['buyer', DEFAULT_PERMISSIONS]])
  t.equal((await auditOf(app, { targetType: 'customer', targetId: customer.id })).length, auditBefore, 'no audit entry')
})

t.test('GET /api/roles?status=pending: the review queue across customers', async (t) => {
  const a = await buyerCustomer(app, { name: 'Alpha' })
  const b = await buyerCustomer(app, { name: 'Beta' })
  t.equal((await punchout(app, setupRequest({ from: a.from, extrinsics: person('ann', ['Night Shift']) }))).code, 200)
  app.clock.advance(1)
  t.equal((await punchout(app, setupRequest({ from: b.from, extrinsics: person('bob', ['Auditor']) }))).code, 200)
  t.equal((await punchout(app, setupRequest({ from: b.from, extrinsics: person('bea', ['auditor']) }))).code, 200)
  const pending = (await api(app, 'GET', '/api/roles?status=pending')).json() as Array<{ name: string; status: string; customer: { id: string } }>
  const ours = pending.filter((r) => [a.customer.id, b.customer.id].includes(r.customer.id))
  t.match(ours, [
    { name: 'Night Shift', status: 'pending', permissions: DEFAULT_PERMISSIONS, userCount: 1, customer: { id: a.customer.id, slug: a.customer.slug, name: 'Alpha' } },
    { name: 'Auditor', status: 'pending', userCount: 2, customer: { id: b.customer.id, name: 'Beta' } },
  ])
  t.equal(ours.length, 2)
  t.notOk(pending.some((r) => r.status !== 'pending'))

  await api(app, 'PUT', `/api/customers/${b.customer.id}/roles/AUDITOR`, { permissions: ['browse', 'view_invoices'] })
  const after = (await api(app, 'GET', '/api/roles?status=pending')).json() as Array<{ customer: { id: string } }>
  t.notOk(after.some((r) => r.customer.id === b.customer.id), 'a mapped role leaves the queue')
  const mapped = (await api(app, 'GET', '/api/roles?status=mapped')).json() as Array<{ name: string; customer: { id: string } }>
  t.ok(mapped.some((r) => r.customer.id === b.customer.id && r.name === 'Auditor'))
  t.equal((await api(app, 'GET', '/api/roles?status=maybe')).statusCode, 400)
})

t.test(`users: filter by role, status and text; disable and enable with a reason (${db})`, async (t) => {
  const { customer, from } = await buyerCustomer(app)
  for (const [unique, roles, extra] of [
    ['Alice', ['Approver'], [['UserPrintableName', 'Alice Liddell']]],
    ['bob', ['requester'], [['UserPrintableName', 'Bob 100%_sure']]],
    ['carol', ['APPROVER', 'requester'], []],
  ] as Array<[string, string[], Array<[string, string]>]>) {
    t.equal((await punchout(app, setupRequest({ from, extrinsics: person(unique, roles, extra) }))).code, 200)
    app.clock.advance(1) // users are listed oldest first
  }
  const list = async (query = '') => {
    const res = await api(app, 'GET', `/api/customers/${customer.id}/users${query}`)
    t.equal(res.statusCode, 200, query)
    return (res.json() as Array<{ uniqueName: string }>).map((u) => u.uniqueName)
  }
  t.same(await list(), ['Alice', 'bob', 'carol'])
  t.same(await list('?role=approver'), ['Alice', 'carol'], 'role matches case-insensitively')
  t.same(await list('?q=ALICE'), ['Alice'], 'q: unique name, any case')
  t.same(await list('?q=liddell'), ['Alice'], 'q: display name')
  t.same(await list('?q=carol%40buyer'), ['carol'], 'q: email')
  t.same(await list('?q=100%25_'), ['bob'], '% and _ are literal')
  t.same(await list('?q=_'), ['bob'])
  t.same(await list(`?q=${encodeURIComponent("' or 1=1 --")}`), [], 'no SQL injection')
  t.same(await list(`?role=${encodeURIComponent("x') or true or ('")}`), [])
  t.same(await list('?limit=1&offset=1'), ['bob'])

  const [alice] = await usersOf(app, customer.id)
  const disabled = await api(app, 'POST', `/api/users/${alice!.id}/disable`, { reason: 'Left the company' })
  t.equal(disabled.statusCode, 200)
  t.match(disabled.json(), { id: alice!.id, status: 'disabled', roles: ['Approver'], unidentified: false })
  t.same(await list('?status=disabled'), ['Alice'])
  t.same(await list('?status=active&role=approver'), ['carol'])
  const enabled = await api(app, 'POST', `/api/users/${alice!.id}/enable`)
  t.equal(enabled.json().status, 'active')

  const entries = await auditOf(app, { targetType: 'user', targetId: alice!.id })
  t.match(entries, [
    { action: 'user.disable', actor: 'bootstrap-admin', reason: 'Left the company', before: { status: 'active', uniqueName: 'Alice' }, after: { status: 'disabled' } },
    { action: 'user.enable', reason: null, before: { status: 'disabled' }, after: { status: 'active' } },
  ])
  t.equal(entries[0]!.at.toISOString(), at())

  t.equal((await api(app, 'POST', `/api/users/${NO_CUSTOMER}/disable`)).statusCode, 404)
  t.equal((await api(app, 'POST', '/api/users/not-a-uuid/disable')).statusCode, 400)
  t.equal((await api(app, 'POST', `/api/users/${alice!.id}/disable`, { reason: 'x'.repeat(1001) })).statusCode, 400)
  t.equal((await api(app, 'GET', `/api/customers/${customer.id}/users?status=gone`)).statusCode, 400)
})

t.test('who may do what: auditors read, support reads and disables users, storefront tokens neither, nobody without a token', async (t) => {
  const { customer, from } = await buyerCustomer(app)
  await punchout(app, setupRequest({ from, extrinsics: person('zed') }))
  const [user] = await usersOf(app, customer.id)
  const reads = ['/api/permissions', `/api/customers/${customer.id}/roles`, '/api/roles?status=pending', `/api/customers/${customer.id}/users`]
  const writes: Array<['PUT' | 'DELETE' | 'POST', string, unknown?]> = [
    ['PUT', `/api/customers/${customer.id}/roles/x`, { permissions: ['browse'] }],
    ['DELETE', `/api/customers/${customer.id}/roles/x`],
    ['POST', `/api/users/${user!.id}/disable`],
    ['POST', `/api/users/${user!.id}/enable`],
    ['POST', '/api/keys/rotate'],
  ]
  for (const role of ['auditor', 'support', 'storefront'] as const) {
    const headers = await tokenHeaders(role)
    for (const url of reads) t.equal((await api(app, 'GET', url, undefined, headers)).statusCode, role === 'storefront' ? 403 : 200, `${role} GET ${url}`)
    for (const [method, url, body] of writes) {
      // Support operates on buyers (disable, enable); customers, mappings and keys are the admins'.
      if (role === 'support' && url.startsWith('/api/users/')) continue
      const res = await api(app, method, url, body, headers)
      t.equal(res.statusCode, 403, `${role} ${method} ${url}`)
      t.equal(res.json().code, 'PG_ERR_API_FORBIDDEN')
    }
  }
  for (const [method, url, body] of writes) t.equal((await api(app, method, url, body, {})).statusCode, 401, `anonymous ${method} ${url}`)
  t.equal((await usersOf(app, customer.id))[0]!.status, 'active', 'nothing changed')
  const admin = await tokenHeaders('admin')
  const res = await api(app, 'PUT', `/api/customers/${customer.id}/roles/x`, { permissions: ['browse'] }, admin)
  t.equal(res.statusCode, 200)
  t.match((await auditOf(app, { targetType: 'customer', targetId: customer.id })).at(-1), { action: 'role.map', actor: /^token:admin-/ })
})

t.test('POST /api/keys/rotate: a new signing key, the old one still published, audited', async (t) => {
  const before = (await jwks(app)).keys.map((k) => k.kid)
  const res = await api(app, 'POST', '/api/keys/rotate')
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { algorithm: 'ES256', createdAt: at(), retiredKids: before })
  t.equal(new Date(body.retiredPublishedUntil).getTime() - app.clock.now.getTime(), (60 + 120) * 1000)
  const after = (await jwks(app)).keys.map((k) => k.kid)
  t.same(after.sort(), [...before, body.kid].sort())
  t.match(await auditOf(app, { targetType: 'signing-key', targetId: body.kid }), [
    { action: 'key.rotate', actor: 'bootstrap-admin', before: { activeKids: before }, after: { activeKid: body.kid } },
  ])
})

t.test(`concurrent rotations leave exactly one signing key (${db})`, async (t) => {
  const answers = await Promise.all(Array.from({ length: 4 }, () => api(app, 'POST', '/api/keys/rotate')))
  t.same(answers.map((a) => a.statusCode), [200, 200, 200, 200])
  t.equal(await app.db.orm.em.fork().count(SigningKey, { retiredAt: null }), 1)
})

t.test('the new routes are in the OpenAPI document', async (t) => {
  const doc = (await app.app.inject({ method: 'GET', url: '/docs/json', headers: adminHeaders })).json()
  for (const path of ['/api/permissions', '/api/customers/{id}/roles', '/api/customers/{id}/roles/{role}', '/api/roles', '/api/customers/{id}/users', '/api/users/{id}/disable', '/api/users/{id}/enable', '/api/keys/rotate']) {
    t.ok(doc.paths[path], path)
  }
  t.ok(doc.paths['/api/customers/{id}/roles/{role}'].put.requestBody)
})

t.test('a reason is kept verbatim', async (t) => {
  const { customer, from } = await buyerCustomer(app)
  await punchout(app, setupRequest({ from, extrinsics: person('semi') }))
  const [user] = await usersOf(app, customer.id)
  const res = await api(app, 'POST', `/api/users/${user!.id}/disable`, { reason: 'Left; see ticket 42' })
  t.equal(res.statusCode, 200)
  t.match(await auditOf(app, { targetType: 'user', targetId: user!.id }), [{ reason: 'Left; see ticket 42' }])
})
