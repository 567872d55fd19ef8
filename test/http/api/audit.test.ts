import t from 'tap'
import { randomUUID } from 'node:crypto'
import { AuditEntry } from '../../../src/persistence/entities/index.ts'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { auditCount, call, customerWithBuyer, tokenFor, type Headers, type Method } from './accounts-helpers.ts'

/**
 * The audit log (docs/api.md, "Audit log"): every write through the API leaves one entry with the
 * actor's name and the reason sent in X-Audit-Reason; GET /api/audit reads it newest first, filtered,
 * page by page, and a customer-scoped reader sees only entries about its customers.
 */
const app = await buildTestApp(t)
const em = () => app.db.orm.em.fork()
const a = await customerWithBuyer(app)
const b = await customerWithBuyer(app)
const admin = await tokenFor(app, 'admin')
const unique = () => randomUUID().slice(0, 8)
const withReason = (headers: Headers, reason: string) => ({ ...headers, 'x-audit-reason': encodeURIComponent(reason) })

interface WriteKind {
  action: string
  request: () => Promise<[Method, string, unknown?]>
  /** The entry's target and customer, from the answer. */
  target: (body: Record<string, unknown>, url: string) => { targetType: string; targetId: string; customerId: string | null }
}

const onCustomer = (id: string) => () => ({ targetType: 'customer', targetId: id, customerId: id })
const fromUrl = (type: string, at: number) => (_: unknown, url: string) => ({ targetType: type, targetId: url.split('/')[at]!, customerId: null })

const WRITES: WriteKind[] = [
  { action: 'customer.create', request: async () => ['POST', '/api/customers', { name: 'Audited', slug: `audited-${unique()}` }], target: (body) => onCustomer(body.id as string)() },
  { action: 'customer.update', request: async () => ['PATCH', `/api/customers/${a.customer.id}`, { tier: 'gold' }], target: onCustomer(a.customer.id) },
  { action: 'credential.create', request: async () => ['POST', `/api/customers/${a.customer.id}/credentials`, { protocol: 'oci', username: `u-${unique()}`, password: 'oci-password' }], target: onCustomer(a.customer.id) },
  {
    action: 'credential.revoke',
    request: async () => {
      const res = await call(app, 'POST', `/api/customers/${a.customer.id}/credentials`, adminHeaders, { protocol: 'oci', username: `u-${unique()}`, password: 'oci-password' })
      return ['POST', `/api/customers/${a.customer.id}/credentials/${res.json().id}/revoke`]
    },
    target: onCustomer(a.customer.id),
  },
  { action: 'role.map', request: async () => ['PUT', `/api/customers/${a.customer.id}/roles/Approver`, { permissions: ['browse'] }], target: onCustomer(a.customer.id) },
  { action: 'role.delete', request: async () => ['DELETE', `/api/customers/${a.customer.id}/roles/Approver`], target: onCustomer(a.customer.id) },
  { action: 'user.disable', request: async () => ['POST', `/api/users/${a.userId}/disable`], target: () => ({ targetType: 'user', targetId: a.userId, customerId: a.customer.id }) },
  { action: 'user.enable', request: async () => ['POST', `/api/users/${a.userId}/enable`], target: () => ({ targetType: 'user', targetId: a.userId, customerId: a.customer.id }) },
  { action: 'token.create', request: async () => ['POST', '/api/tokens', { name: 'audited', role: 'auditor' }], target: (body) => ({ targetType: 'token', targetId: body.id as string, customerId: null }) },
  { action: 'token.revoke', request: async () => ['POST', `/api/tokens/${(await tokenFor(app, 'auditor')).id}/revoke`], target: fromUrl('token', 3) },
  { action: 'key.rotate', request: async () => ['POST', '/api/keys/rotate'], target: (body) => ({ targetType: 'signing-key', targetId: body.kid as string, customerId: null }) },
  { action: 'agent.create', request: async () => ['POST', '/api/agents', { email: `a-${unique()}@supplier.example`, name: 'A', role: 'support' }], target: (body) => ({ targetType: 'agent', targetId: body.id as string, customerId: null }) },
  { action: 'agent.update', request: async () => ['PATCH', `/api/agents/${await newAgent()}`, { role: 'auditor' }], target: fromUrl('agent', 3) },
  { action: 'agent.password', request: async () => ['POST', `/api/agents/${await newAgent()}/password`, { password: 'long enough password' }], target: fromUrl('agent', 3) },
]

async function newAgent(): Promise<string> {
  return (await call(app, 'POST', '/api/agents', adminHeaders, { email: `n-${unique()}@supplier.example`, name: 'N', role: 'support' })).json().id
}

t.test('every write kind leaves one entry with the actor and the reason', async (t) => {
  for (const write of WRITES) {
    const [method, url, body] = await write.request()
    const reason = `because ${write.action}`
    const before = await auditCount(app)
    const res = await call(app, method, url, withReason(admin.headers, reason), body)
    t.ok(res.statusCode < 300, `${write.action}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    t.equal(await auditCount(app), before + 1, `${write.action}: one entry`)
    const [entry] = await em().find(AuditEntry, {}, { orderBy: { id: 'desc' }, limit: 1 })
    t.match(entry, { action: write.action, actor: `token:${admin.name}`, reason, ...write.target(res.body ? res.json() : {}, url) }, write.action)
  }
})

t.test('the reason is percent-decoded UTF-8; a malformed or overlong one is refused and nothing is written', async (t) => {
  const reason = 'Ticket #42 – café, 100% sure'
  t.equal((await call(app, 'PATCH', `/api/customers/${b.customer.id}`, withReason(adminHeaders, reason), { tier: 'silver' })).statusCode, 200)
  t.match((await em().find(AuditEntry, { targetId: b.customer.id }, { orderBy: { id: 'desc' }, limit: 1 }))[0], { reason })
  const before = await auditCount(app)
  for (const header of ['100%', '%E2%28', encodeURIComponent('x'.repeat(1001)), '%0Aforged', ' ']) {
    const res = await call(app, 'PATCH', `/api/customers/${b.customer.id}`, { ...adminHeaders, 'x-audit-reason': header }, { tier: 'bronze' })
    t.equal(res.statusCode, 400, JSON.stringify(header))
    t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
  }
  t.equal(await auditCount(app), before)
  t.equal((await call(app, 'GET', `/api/customers/${b.customer.id}`)).json().tier, 'silver')
})

t.test('a reason in the body of a user change wins over the header', async (t) => {
  await call(app, 'POST', `/api/users/${b.userId}/disable`, withReason(adminHeaders, 'header reason'), { reason: 'body reason' })
  t.match((await em().find(AuditEntry, { targetId: b.userId }, { orderBy: { id: 'desc' }, limit: 1 }))[0], { reason: 'body reason' })
  await call(app, 'POST', `/api/users/${b.userId}/enable`, adminHeaders)
  t.match((await em().find(AuditEntry, { targetId: b.userId }, { orderBy: { id: 'desc' }, limit: 1 }))[0], { action: 'user.enable', reason: null })
})

t.test('GET /api/audit: newest first, filtered, page by page', async (t) => {
  const auditor = await tokenFor(app, 'auditor')
  const get = async (query: string) => {
    const res = await call(app, 'GET', `/api/audit${query}`, auditor.headers)
    t.equal(res.statusCode, 200, query)
    return res.json() as { items: Array<{ id: string; at: string; action: string; actor: string; targetId: string; customerId: string | null; reason: string | null }>; nextCursor: string | null }
  }
  const all = await get('?limit=500')
  t.equal(all.items.length, await auditCount(app))
  t.equal(all.nextCursor, null)
  const keys = all.items.map((e) => [e.at, BigInt(e.id)] as const)
  t.ok(keys.every((k, i) => i === 0 || k[0] < keys[i - 1]![0] || (k[0] === keys[i - 1]![0] && k[1] < keys[i - 1]![1])), 'newest first')

  const mine = await get(`?actor=${encodeURIComponent(`token:${admin.name}`)}&limit=500`)
  t.ok(mine.items.length >= WRITES.length)
  t.ok(mine.items.every((e) => e.actor === `token:${admin.name}`))
  t.same((await get('?action=role.delete')).items.map((e) => e.action), ['role.delete'])
  t.ok((await get(`?targetType=user&targetId=${a.userId}`)).items.every((e) => e.targetId === a.userId))
  t.ok((await get(`?customerId=${b.customer.id}&limit=500`)).items.every((e) => e.customerId === b.customer.id))

  const paged: string[] = []
  let cursor: string | null = ''
  while (cursor !== null) {
    const page = await get(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
    t.ok(page.items.length <= 3)
    paged.push(...page.items.map((e) => e.id))
    cursor = page.nextCursor
  }
  t.same(paged, all.items.map((e) => e.id), 'the pages hold every entry once, in order')

  const bad = await call(app, 'GET', '/api/audit?cursor=not-a-cursor', auditor.headers)
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().code, 'PG_ERR_API_VALIDATION')
})

t.test('GET /api/audit: from (inclusive) and to (exclusive)', async (t) => {
  app.clock.advance(3600)
  const start = app.clock.now.toISOString()
  await call(app, 'PATCH', `/api/customers/${b.customer.id}`, withReason(adminHeaders, 'in the window'), { tier: 'one' })
  app.clock.advance(60)
  const end = app.clock.now.toISOString()
  await call(app, 'PATCH', `/api/customers/${b.customer.id}`, withReason(adminHeaders, 'after the window'), { tier: 'two' })
  const res = await call(app, 'GET', `/api/audit?from=${start}&to=${end}`, adminHeaders)
  t.same(res.json().items.map((e: { reason: string }) => e.reason), ['in the window'])
  t.equal((await call(app, 'GET', '/api/audit?from=yesterday', adminHeaders)).statusCode, 400)
})

t.test('a scoped reader sees only entries about its customers', async (t) => {
  const scoped = await tokenFor(app, 'auditor', [a.customer.id])
  const res = await call(app, 'GET', '/api/audit?limit=500', scoped.headers)
  t.equal(res.statusCode, 200)
  const items = res.json().items as Array<{ customerId: string | null; targetType: string }>
  t.ok(items.length > 0)
  t.ok(items.every((e) => e.customerId === a.customer.id), 'neither other customers nor tokens, agents or keys')
  t.same((await call(app, 'GET', `/api/audit?customerId=${b.customer.id}`, scoped.headers)).json().items, [])
})
