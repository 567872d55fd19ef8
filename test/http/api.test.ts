import t from 'tap'
import { AuditEntry, Credential } from '../../src/persistence/entities/index.ts'
import { ADMIN_TOKEN, buildTestApp } from '../helpers/app.ts'
import { adminHeaders, createCustomer } from '../helpers/fixtures.ts'

t.test('admin API', async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  const em = () => db.orm.em.fork()

  t.test('requires a bearer token', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/api/customers' })
    t.equal(res.statusCode, 401)
    t.same(Object.keys(res.json()).sort(), ['code', 'message', 'reference'])
    t.equal(res.json().code, 'PG_ERR_API_UNAUTHORIZED')
    const wrong = await app.inject({ method: 'GET', url: '/api/customers', headers: { authorization: 'Bearer nope' } })
    t.equal(wrong.statusCode, 401)
  })

  t.test('creates a customer with defaults, audited', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/api/customers', headers: adminHeaders, payload: { name: 'Globex', slug: 'globex', returnUrlHosts: ['buyer.globex.example'] } })
    t.equal(res.statusCode, 201)
    const body = res.json()
    t.match(body, { name: 'Globex', slug: 'globex', tier: 'standard', identityProfile: 'generic', cartTransport: 'cxml-urlencoded' })
    t.match(body.provisioning, { autoCreateUsers: true, updateProfiles: true, unknownRoles: 'pending', defaultRole: 'buyer' })
    const audit = await em().findOneOrFail(AuditEntry, { targetId: body.id, action: 'customer.create' })
    t.equal(audit.actor, 'bootstrap-admin')
  })

  t.test('refuses a duplicate slug with 409 and bad input with 400', async (t) => {
    const dup = await app.inject({ method: 'POST', url: '/api/customers', headers: adminHeaders, payload: { name: 'Globex 2', slug: 'globex' } })
    t.equal(dup.statusCode, 409)
    t.equal(dup.json().code, 'PG_ERR_CONFLICT')
    for (const payload of [{ slug: 'x' }, { name: 'A', slug: 'Not A Slug' }, { name: 'A', slug: 'a1', identityProfile: 'nope' }, { name: 'A', slug: 'a2', returnUrlHosts: ['javascript:alert(1)'] }]) {
      const res = await app.inject({ method: 'POST', url: '/api/customers', headers: adminHeaders, payload })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
    }
    const proto = await app.inject({ method: 'POST', url: '/api/customers', headers: { ...adminHeaders, 'content-type': 'application/json' }, payload: '{"name":"P","slug":"p","__proto__":{"polluted":1}}' })
    t.equal(proto.statusCode, 400)
    t.equal(({} as Record<string, unknown>).polluted, undefined)
  })

  t.test('adds credentials: the secret is never echoed, stored only as a keyed hash, never logged', async (t) => {
    const customer = await createCustomer(app)
    const res = await app.inject({
      method: 'POST', url: `/api/customers/${customer.id}/credentials`, headers: adminHeaders,
      payload: { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-SECRET-TEST', sharedSecret: 'very-secret-value-1' },
    })
    t.equal(res.statusCode, 201)
    t.notMatch(res.body, /very-secret-value-1/)
    t.match(res.json(), { protocol: 'cxml', domain: 'networkid', identity: 'AN-SECRET-TEST' })
    const stored = await em().findOneOrFail(Credential, { identity: 'AN-SECRET-TEST' })
    t.notMatch(stored.secretHash, /very-secret/)
    t.equal(stored.secretHash.length, 43)
    const list = await app.inject({ method: 'GET', url: `/api/customers/${customer.id}/credentials`, headers: adminHeaders })
    t.notMatch(list.body, /very-secret|secretHash/)
    t.notMatch(logs.join('\n'), /very-secret-value-1/)
    t.notMatch(logs.join('\n'), new RegExp(ADMIN_TOKEN))
    const oci = await app.inject({ method: 'POST', url: `/api/customers/${customer.id}/credentials`, headers: adminHeaders, payload: { protocol: 'oci', username: 'srm-tech', password: 'oci-pass-1' } })
    t.equal(oci.statusCode, 201)
    t.match(oci.json(), { protocol: 'oci', domain: 'oci', identity: 'srm-tech' })
  })

  t.test('one identity belongs to one customer', async (t) => {
    const a = await createCustomer(app)
    const b = await createCustomer(app)
    const payload = { protocol: 'cxml', domain: 'DUNS', identity: '123450000', sharedSecret: 'x' }
    t.equal((await app.inject({ method: 'POST', url: `/api/customers/${a.id}/credentials`, headers: adminHeaders, payload })).statusCode, 201)
    t.equal((await app.inject({ method: 'POST', url: `/api/customers/${b.id}/credentials`, headers: adminHeaders, payload })).statusCode, 409)
  })

  t.test('patches the policy and keeps what it does not mention', async (t) => {
    const customer = await createCustomer(app, { provisioning: { autoCreateUsers: false, defaultRole: 'requester' } })
    const res = await app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { provisioning: { unknownRoles: 'reject' }, tier: 'platinum' } })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { tier: 'platinum', provisioning: { unknownRoles: 'reject', autoCreateUsers: false, defaultRole: 'requester', updateProfiles: true } })
    const audit = await em().findOneOrFail(AuditEntry, { targetId: customer.id, action: 'customer.update' })
    t.match(audit.before, { tier: 'standard' })
    t.match(audit.after, { tier: 'platinum' })
  })

  t.test('unknown customer is 404', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/api/customers/00000000-0000-4000-8000-000000000000', headers: adminHeaders })
    t.equal(res.statusCode, 404)
  })

  t.test('tokens: created once, usable; a storefront token cannot administer', async (t) => {
    const created = await app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { name: 'shop', role: 'storefront' } })
    t.equal(created.statusCode, 201)
    const { token } = created.json()
    t.match(token, /^pg_/)
    const denied = await app.inject({ method: 'GET', url: '/api/customers', headers: { authorization: `Bearer ${token}` } })
    t.equal(denied.statusCode, 403)
    const list = await app.inject({ method: 'GET', url: '/api/tokens', headers: adminHeaders })
    t.notMatch(list.body, new RegExp(token))
  })

  t.test('the OpenAPI document is generated from the zod schemas', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/docs/json', headers: adminHeaders })
    t.equal(res.statusCode, 200)
    const doc = res.json()
    t.ok(doc.paths['/api/customers'].post.requestBody)
    t.ok(doc.paths['/punchout/sessions/{sid}/cart'].post)
    const html = await app.inject({ method: 'GET', url: '/docs', headers: adminHeaders })
    t.ok([200, 302].includes(html.statusCode))
  })
})

t.test('E6 admin-token-expired-revoked', async (t) => {
  const gateway = await buildTestApp(t)
  const { app } = gateway
  const createToken = async (payload: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { role: 'admin', ...payload } })
    if (res.statusCode !== 201) throw new Error(`createToken: ${res.statusCode} ${res.body}`)
    return res.json() as { id: string; token: string; createdAt: string; expiresAt: string | null }
  }
  const listCustomers = (token: string) => app.inject({ method: 'GET', url: '/api/customers', headers: { authorization: `Bearer ${token}` } })
  /** An unknown token's answer, without its reference: what an expired or revoked one must look like. */
  const unknownAnswer = async () => {
    const { code, message } = (await listCustomers('pg_not-a-token-anyone-was-given')).json()
    return { code, message }
  }

  t.test('E6 admin-token-expired-revoked: an expired token answers 401 exactly like an unknown one', async (t) => {
    const created = await createToken({ name: 'ops laptop', expiresInDays: 1 })
    t.equal(created.expiresAt, new Date(Date.parse(created.createdAt) + 86_400_000).toISOString(), 'one day after creation')
    const listed = (await app.inject({ method: 'GET', url: '/api/tokens', headers: adminHeaders })).json().find((row: { id: string }) => row.id === created.id)
    t.equal(listed.expiresAt, created.expiresAt, 'the list shows the expiry')
    gateway.clock.advance(86_400 - 1)
    t.equal((await listCustomers(created.token)).statusCode, 200, 'valid until its last second')
    gateway.clock.advance(1)
    const expired = await listCustomers(created.token)
    t.equal(expired.statusCode, 401)
    const { code, message } = expired.json()
    t.same({ code, message }, await unknownAnswer(), 'no hint that the token once existed')
  })

  t.test('E6 admin-token-expired-revoked: a revoked token answers 401 exactly like an unknown one', async (t) => {
    const created = await createToken({ name: 'contractor', expiresInDays: 30 })
    t.equal((await listCustomers(created.token)).statusCode, 200)
    t.equal((await app.inject({ method: 'POST', url: `/api/tokens/${created.id}/revoke`, headers: adminHeaders })).statusCode, 200)
    const revoked = await listCustomers(created.token)
    t.equal(revoked.statusCode, 401)
    const { code, message } = revoked.json()
    t.same({ code, message }, await unknownAnswer())
  })

  t.test('a token created without expiresInDays does not expire; the bootstrap token neither', async (t) => {
    const created = await createToken({ name: 'storefront service' })
    t.equal(created.expiresAt, null)
    gateway.clock.advance(3650 * 86_400)
    t.equal((await listCustomers(created.token)).statusCode, 200)
    t.equal((await listCustomers(ADMIN_TOKEN)).statusCode, 200)
  })

  t.test('expiresInDays is a whole number of days from 1 to 3650', async (t) => {
    for (const expiresInDays of [0, 3651, 1.5, '30']) {
      const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { name: 'x', role: 'admin', expiresInDays } })
      t.equal(res.statusCode, 400, String(expiresInDays))
      t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
    }
    const longest = await createToken({ name: 'longest', expiresInDays: 3650 })
    t.equal(longest.expiresAt, new Date(Date.parse(longest.createdAt) + 3650 * 86_400_000).toISOString())
  })
})

t.test('health and readiness', async (t) => {
  const { app } = await buildTestApp(t)
  t.same((await app.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok' })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.equal(ready.json().status, 'ready')
})

t.test('an unauthenticated request is refused before its body is looked at', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'POST', url: '/api/customers', payload: { slug: 'NOT VALID' } })
  t.equal(res.statusCode, 401)
  t.equal(res.json().code, 'PG_ERR_API_UNAUTHORIZED')
})

t.test('OCI options: set, merged, and optionalFields reset with null', async (t) => {
  const { app } = await buildTestApp(t)
  const customer = await createCustomer(app)
  const patch = (ociOptions: unknown) => app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { ociOptions } })
  t.match((await patch({ optionalFields: ['VENDORMAT'], unitSystem: 'sap' })).json().ociOptions, { optionalFields: ['VENDORMAT'], unitSystem: 'sap', charset: 'UTF-8' })
  const reset = (await patch({ optionalFields: null })).json().ociOptions
  t.notOk('optionalFields' in reset)
  t.equal(reset.unitSystem, 'sap')
  t.equal((await patch({ optionalFields: ['lower-case'] })).statusCode, 400)
})

t.test('a new default role is created mapped, like a new customer\'s', async (t) => {
  const { app } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await app.inject({ method: 'PATCH', url: `/api/customers/${customer.id}`, headers: adminHeaders, payload: { provisioning: { defaultRole: 'Purchaser' } } })
  const roles = (await app.inject({ method: 'GET', url: `/api/customers/${customer.id}/roles`, headers: adminHeaders })).json() as Array<{ name: string; status: string; permissions: string[] }>
  t.match(roles.find((r) => r.name === 'Purchaser'), { status: 'mapped', permissions: ['browse', 'view_contract_prices', 'add_to_cart', 'return_cart'] })
})
