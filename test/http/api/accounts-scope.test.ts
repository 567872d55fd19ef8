import t from 'tap'
import { STOREFRONT_TOKEN, buildTestApp } from '../../helpers/app.ts'
import { adminHeaders, cxmlAnswer, postCxml, setupRequest } from '../../helpers/fixtures.ts'
import { sessionForStartPage } from '../../domain/provisioning/punchout-helpers.ts'
import { ApiToken, BuyerUser, Cart, Credential, Customer, JournalEntry, PunchoutSession } from '../../../src/persistence/entities/index.ts'
import { auditCount, call, cartItems, customerWithBuyer, tokenFor } from './accounts-helpers.ts'
import { statementsOf } from '../../helpers/statements.ts'

/**
 * Customer scope (docs/api.md, "Customer scope"): a token limited to some customers lists only
 * theirs, answers 404 for another customer's objects (never confirming they exist), cannot change
 * them, and cannot hand out more than it has. A storefront token limited to customers reads and
 * returns only their sessions.
 */
const app = await buildTestApp(t)
const em = () => app.db.orm.em.fork()
const a = await customerWithBuyer(app)
const b = await customerWithBuyer(app)
const A = a.customer.id
const B = b.customer.id

t.test('a scoped support token reads only its customers', async (t) => {
  const { headers } = await tokenFor(app, 'support', [A])
  t.same((await call(app, 'GET', '/api/customers', headers)).json().map((c: { id: string }) => c.id), [A])
  t.equal((await call(app, 'GET', `/api/customers/${A}`, headers)).statusCode, 200)
  for (const url of [`/api/customers/${B}`, `/api/customers/${B}/credentials`, `/api/customers/${B}/roles`, `/api/customers/${B}/users`]) {
    const res = await call(app, 'GET', url, headers)
    t.equal(res.statusCode, 404, url)
    t.equal(res.json().code, 'PG_ERR_NOT_FOUND')
  }
  const unknown = await call(app, 'GET', '/api/customers/00000000-0000-4000-8000-000000000000', headers)
  t.equal((await call(app, 'GET', `/api/customers/${B}`, headers)).json().message.replace(B, 'X'), unknown.json().message.replace('00000000-0000-4000-8000-000000000000', 'X'), 'answered like an unknown customer')
  const roles = (await call(app, 'GET', '/api/roles', headers)).json() as Array<{ customer: { id: string } }>
  t.ok(roles.length > 0)
  t.same([...new Set(roles.map((r) => r.customer.id))], [A], 'the role queue holds only its customers')
  const all = (await call(app, 'GET', '/api/roles', adminHeaders)).json() as Array<{ customer: { id: string } }>
  t.ok(all.some((r) => r.customer.id === B), 'an unscoped token sees every customer')
})

t.test('a scoped support token cannot disable another customer\'s user', async (t) => {
  const { headers } = await tokenFor(app, 'support', [A])
  const before = await auditCount(app)
  const res = await call(app, 'POST', `/api/users/${b.userId}/disable`, headers)
  t.equal(res.statusCode, 404)
  t.equal((await em().findOneOrFail(BuyerUser, { id: b.userId })).status, 'active')
  t.equal(await auditCount(app), before)
  t.equal((await call(app, 'POST', `/api/users/${a.userId}/disable`, headers)).statusCode, 200, 'its own customer\'s user it may')
  await call(app, 'POST', `/api/users/${a.userId}/enable`, headers)
})

t.test('a scoped admin changes only its customers', async (t) => {
  const { headers } = await tokenFor(app, 'admin', [A])
  const credential = await call(app, 'POST', `/api/customers/${B}/credentials`, adminHeaders, { protocol: 'oci', username: 'b-oci', password: 'b-oci-password' })
  await call(app, 'PUT', `/api/customers/${B}/roles/Keep`, adminHeaders, { permissions: ['browse'] })
  const before = await auditCount(app)
  for (const [method, url, body] of [
    ['PATCH', `/api/customers/${B}`, { tier: 'platinum' }],
    ['POST', `/api/customers/${B}/credentials`, { protocol: 'oci', username: 'b-oci-2', password: 'b-oci-password' }],
    ['POST', `/api/customers/${B}/credentials/${credential.json().id}/revoke`],
    ['PUT', `/api/customers/${B}/roles/Keep`, { permissions: ['order_on_account'] }],
    ['DELETE', `/api/customers/${B}/roles/Keep`],
  ] as const) {
    const res = await call(app, method, url, headers, body)
    t.equal(res.statusCode, 404, `${method} ${url}`)
    t.equal(res.json().code, 'PG_ERR_NOT_FOUND')
  }
  t.equal(await auditCount(app), before, 'nothing was written')
  t.equal((await em().findOneOrFail(Customer, { id: B })).tier, 'standard')
  t.equal((await em().findOneOrFail(Credential, { id: credential.json().id })).revokedAt, null)
  t.equal(await em().count(Credential, { customerId: B }), 2)
  t.equal((await call(app, 'PATCH', `/api/customers/${A}`, headers, { tier: 'gold' })).statusCode, 200, 'its own customer it may change')
})

t.test('a scoped admin cannot act on every customer: create customers, rotate the signing key', async (t) => {
  const { headers } = await tokenFor(app, 'admin', [A])
  const before = await auditCount(app)
  for (const [url, body] of [['/api/customers', { name: 'Other', slug: 'scoped-other' }], ['/api/keys/rotate', undefined]] as const) {
    const res = await call(app, 'POST', url, headers, body)
    t.equal(res.statusCode, 403, url)
    t.equal(res.json().code, 'PG_ERR_API_FORBIDDEN')
  }
  t.equal(await auditCount(app), before)
})

t.test('a scoped admin hands out tokens and agents only within its scope, and sees only those', async (t) => {
  const scoped = await tokenFor(app, 'admin', [A])
  const unscoped = await tokenFor(app, 'support')
  for (const customerIds of [undefined, null, [B], [A, B]]) {
    const res = await call(app, 'POST', '/api/tokens', scoped.headers, { name: 'more', role: 'support', ...(customerIds === undefined ? {} : { customerIds }) })
    t.equal(res.statusCode, 403, `token for ${JSON.stringify(customerIds)}`)
    const agent = await call(app, 'POST', '/api/agents', scoped.headers, { email: 'more@supplier.example', name: 'M', role: 'support', ...(customerIds === undefined ? {} : { customerIds }) })
    t.equal(agent.statusCode, 403, `agent for ${JSON.stringify(customerIds)}`)
  }
  const created = await call(app, 'POST', '/api/tokens', scoped.headers, { name: 'a-only', role: 'storefront', customerIds: [A] })
  t.equal(created.statusCode, 201)
  t.same(created.json().customerIds, [A])
  const listed = (await call(app, 'GET', '/api/tokens', scoped.headers)).json() as Array<{ id: string; customerIds: string[] | null }>
  t.ok(listed.some((x) => x.id === created.json().id))
  t.ok(listed.every((x) => x.customerIds !== null && x.customerIds.every((id) => id === A)), 'only tokens within its scope')
  const revoke = await call(app, 'POST', `/api/tokens/${unscoped.id}/revoke`, scoped.headers)
  t.equal(revoke.statusCode, 404)
  t.equal((await call(app, 'GET', '/api/customers', unscoped.headers)).statusCode, 200, 'the other token still works')
  const agent = await call(app, 'POST', '/api/agents', adminHeaders, { email: 'everyone@supplier.example', name: 'E', role: 'support' })
  t.equal((await call(app, 'GET', `/api/agents/${agent.json().id}`, scoped.headers)).statusCode, 404)
  t.equal((await call(app, 'PATCH', `/api/agents/${agent.json().id}`, scoped.headers, { disabled: true })).statusCode, 404)
  t.notOk((await call(app, 'GET', '/api/agents', scoped.headers)).json().some((x: { id: string }) => x.id === agent.json().id))
})

t.test('a token scope names existing customers, at least one', async (t) => {
  const tokens = await em().count(ApiToken, {})
  for (const customerIds of [[], ['00000000-0000-4000-8000-000000000000'], ['not-a-uuid']]) {
    const res = await call(app, 'POST', '/api/tokens', adminHeaders, { name: 'bad', role: 'support', customerIds })
    t.equal(res.statusCode, 400, JSON.stringify(customerIds))
    t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
  }
  t.equal(await em().count(ApiToken, {}), tokens, 'no token was created')
  const dup = await call(app, 'POST', '/api/tokens', adminHeaders, { name: 'dup', role: 'support', customerIds: [A, A] })
  t.same(dup.json().customerIds, [A])
})

t.test('a storefront token limited to customers reads and returns only their sessions', async (t) => {
  const { headers } = await tokenFor(app, 'storefront', [A])
  const own = await call(app, 'GET', `/punchout/sessions/${a.sid}`, headers)
  t.equal(own.statusCode, 200)
  t.equal(own.json().customer.id, A)
  const other = await call(app, 'GET', `/punchout/sessions/${b.sid}`, headers)
  t.equal(other.statusCode, 404)
  t.equal(other.json().code, 'PG_ERR_SESSION_NOT_FOUND')

  const returned = await call(app, 'POST', `/punchout/sessions/${b.sid}/cart`, { ...headers, accept: 'application/json' }, { items: cartItems })
  t.equal(returned.statusCode, 404)
  t.equal(returned.json().code, 'PG_ERR_SESSION_NOT_FOUND')
  t.equal((await em().findOneOrFail(PunchoutSession, { id: b.sid })).status, 'started', 'the session is untouched')
  t.equal(await em().count(Cart, { sessionId: b.sid }), 0, 'no cart was kept')
  t.match(await em().findOne(JournalEntry, { sessionId: b.sid, channel: 'cart' }), { httpStatus: 404, errorCode: 'PG_ERR_SESSION_NOT_FOUND' }, 'the refusal is journaled')

  const ok = await call(app, 'POST', `/punchout/sessions/${a.sid}/cart`, { ...headers, accept: 'application/json' }, { items: cartItems })
  t.equal(ok.statusCode, 200)
})

t.test('E2 tenant-cross-cart: another customer\'s session answers 404 whatever its state or the cart', async (t) => {
  const { headers } = await tokenFor(app, 'storefront', [A])
  // Not started yet: its own customer's token would get 409; this one must not learn it exists.
  const answer = cxmlAnswer((await postCxml(app.app, setupRequest({ from: b.from, extrinsics: [['UniqueName', 'not-started']] }))).body)
  const session = await sessionForStartPage(app, answer.startPage!)
  const mixed = [...cartItems, { ...cartItems[0], currency: 'USD' }]
  for (const items of [cartItems, mixed]) {
    const res = await call(app, 'POST', `/punchout/sessions/${session.id}/cart`, headers, { items })
    t.equal(res.statusCode, 404)
  }
})

t.test('a scoped storefront token costs the cart return one statement: resolving the token', async (t) => {
  const { headers } = await tokenFor(app, 'storefront', [A])
  const returnWith = (h: Record<string, string>) => statementsOf(app, async () =>
    t.equal((await call(app, 'POST', `/punchout/sessions/${a.sid}/cart`, { ...h, accept: 'application/json' }, { items: cartItems })).statusCode, 200))
  const bootstrap = await returnWith({ authorization: `Bearer ${STOREFRONT_TOKEN}` })
  const scoped = await returnWith(headers)
  t.equal(scoped.length, bootstrap.length + 1, scoped.join('\n'))
  t.match(scoped[0], /from "api_tokens"/, 'the one more is the token')
})

