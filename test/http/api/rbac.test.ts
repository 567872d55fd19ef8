import t from 'tap'
import { randomUUID } from 'node:crypto'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { auditCount, call, cartItems, customerWithBuyer, tokenFor, type Method } from './accounts-helpers.ts'

/**
 * Who may do what (docs/api.md, "Roles and capabilities"), across the real routes: every role is
 * allowed exactly the routes of its capabilities and refused the others with 403, and a refused
 * write changes nothing (no audit entry). Without a token, every route answers 401.
 */
type Capability = 'read' | 'operate' | 'manage' | 'cart'
type Role = 'admin' | 'support' | 'auditor' | 'storefront'

const MAY: Record<Capability, Role[]> = {
  read: ['admin', 'support', 'auditor'],
  operate: ['admin', 'support'],
  manage: ['admin'],
  cart: ['admin', 'support', 'storefront'],
}

const app = await buildTestApp(t)
const base = await customerWithBuyer(app)
const cid = base.customer.id
const unique = () => randomUUID().slice(0, 8)

/** Each route, the capability it needs, and how to build a request that succeeds when allowed. */
const ROUTES: Array<{ capability: Capability; write: boolean; request: () => Promise<[Method, string, unknown?]> }> = [
  { capability: 'read', write: false, request: async () => ['GET', '/api/customers'] },
  { capability: 'read', write: false, request: async () => ['GET', `/api/customers/${cid}`] },
  { capability: 'read', write: false, request: async () => ['GET', `/api/customers/${cid}/credentials`] },
  { capability: 'read', write: false, request: async () => ['GET', '/api/permissions'] },
  { capability: 'read', write: false, request: async () => ['GET', `/api/customers/${cid}/roles`] },
  { capability: 'read', write: false, request: async () => ['GET', '/api/roles?status=pending'] },
  { capability: 'read', write: false, request: async () => ['GET', `/api/customers/${cid}/users`] },
  { capability: 'read', write: false, request: async () => ['GET', '/api/audit'] },
  { capability: 'read', write: false, request: async () => ['GET', `/api/customers/${cid}/prices`] },
  { capability: 'read', write: false, request: async () => ['GET', `/api/customers/${cid}/prices/lookup?sku=PAP-A4-80`] },
  { capability: 'operate', write: true, request: async () => ['POST', `/api/users/${base.userId}/disable`, { reason: 'rbac' }] },
  { capability: 'operate', write: true, request: async () => ['POST', `/api/users/${base.userId}/enable`] },
  { capability: 'manage', write: true, request: async () => ['POST', '/api/customers', { name: 'New', slug: `new-${unique()}` }] },
  { capability: 'manage', write: true, request: async () => ['PATCH', `/api/customers/${cid}`, { tier: 'silver' }] },
  {
    capability: 'manage', write: true,
    request: async () => ['POST', `/api/customers/${cid}/credentials`, { protocol: 'oci', username: `oci-${unique()}`, password: 'oci-password-1' }],
  },
  {
    capability: 'manage', write: true,
    request: async () => {
      const res = await call(app, 'POST', `/api/customers/${cid}/credentials`, adminHeaders, { protocol: 'oci', username: `oci-${unique()}`, password: 'oci-password-1' })
      return ['POST', `/api/customers/${cid}/credentials/${res.json().id}/revoke`]
    },
  },
  { capability: 'manage', write: true, request: async () => ['PUT', `/api/customers/${cid}/roles/role-${unique()}`, { permissions: ['browse'] }] },
  {
    capability: 'manage', write: true,
    request: async () => {
      const role = `role-${unique()}`
      await call(app, 'PUT', `/api/customers/${cid}/roles/${role}`, adminHeaders, { permissions: ['browse'] })
      return ['DELETE', `/api/customers/${cid}/roles/${role}`]
    },
  },
  { capability: 'manage', write: false, request: async () => ['GET', '/api/tokens'] },
  { capability: 'manage', write: true, request: async () => ['POST', '/api/tokens', { name: `t-${unique()}`, role: 'auditor' }] },
  { capability: 'manage', write: true, request: async () => ['POST', `/api/tokens/${(await tokenFor(app, 'auditor')).id}/revoke`] },
  { capability: 'manage', write: true, request: async () => ['POST', '/api/keys/rotate'] },
  { capability: 'manage', write: false, request: async () => ['GET', '/api/agents'] },
  { capability: 'manage', write: true, request: async () => ['POST', '/api/agents', { email: `a-${unique()}@supplier.example`, name: 'A', role: 'support' }] },
  { capability: 'manage', write: false, request: async () => ['GET', `/api/agents/${await newAgent()}`] },
  { capability: 'manage', write: true, request: async () => ['PATCH', `/api/agents/${await newAgent()}`, { name: 'Renamed' }] },
  { capability: 'manage', write: true, request: async () => ['POST', `/api/agents/${await newAgent()}/password`, { password: 'a long enough password' }] },
  { capability: 'cart', write: false, request: async () => ['GET', `/punchout/sessions/${base.sid}`] },
  { capability: 'cart', write: false, request: async () => ['POST', `/punchout/sessions/${base.sid}/cart`, { items: cartItems }] },
]

async function newAgent(): Promise<string> {
  const res = await call(app, 'POST', '/api/agents', adminHeaders, { email: `agent-${unique()}@supplier.example`, name: 'Agent', role: 'auditor' })
  return res.json().id
}

for (const role of ['admin', 'support', 'auditor', 'storefront'] as const) {
  t.test(`a ${role} token: allowed ${Object.entries(MAY).filter(([, roles]) => roles.includes(role)).map(([c]) => c).join(', ')}; refused the rest`, async (t) => {
    const { headers } = await tokenFor(app, role)
    for (const route of ROUTES) {
      const [method, url, body] = await route.request()
      const before = await auditCount(app)
      const res = await call(app, method, url, headers, body)
      if (MAY[route.capability].includes(role)) {
        t.ok(res.statusCode >= 200 && res.statusCode < 300, `${role} may ${method} ${url} (${route.capability}): ${res.statusCode} ${res.body.slice(0, 200)}`)
      } else {
        t.equal(res.statusCode, 403, `${role} may not ${method} ${url} (${route.capability})`)
        t.equal(res.json().code, 'PG_ERR_API_FORBIDDEN')
        if (route.write) t.equal(await auditCount(app), before, 'the refused write changed nothing')
      }
    }
  })
}

t.test('without a token every route answers 401 and changes nothing', async (t) => {
  for (const route of ROUTES) {
    const [method, url, body] = await route.request()
    const before = await auditCount(app)
    const res = await call(app, method, url, {}, body)
    t.equal(res.statusCode, 401, `${method} ${url}`)
    if (route.write) t.equal(await auditCount(app), before)
  }
})

t.test('the refusal names the capability the route needs', async (t) => {
  const { headers } = await tokenFor(app, 'auditor')
  const res = await call(app, 'POST', `/api/users/${base.userId}/disable`, headers)
  t.match(res.json().message, /operate/)
})
