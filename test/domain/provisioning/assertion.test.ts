import t from 'tap'
import { createHmac, createPublicKey } from 'node:crypto'
import { SignJWT, decodeProtectedHeader, importPKCS8, type JWK } from 'jose'
import { buildTestApp, usingPostgres } from '../../helpers/app.ts'
import { setupRequest } from '../../helpers/fixtures.ts'
import { DEFAULT_PERMISSIONS } from '../../../src/domain/provisioning/permissions.ts'
import { PunchoutSession, SigningKey } from '../../../src/persistence/entities/index.ts'
import {
  AUDIENCE, CORPUS, api, assertionFor, buyerCustomer, corpusBody, corpusCustomer, jwks, punchout,
  shopLogin, usersOf, verifyLikeStorefront,
} from './punchout-helpers.ts'

/**
 * The identity assertion, checked the way an external storefront would: the gateway's published
 * JWKS, issuer, audience and algorithm pinned (jose). Forgeries are refused by jose and by the
 * gateway's own assertion consumer (/shop/login).
 */
const db = usingPostgres() ? 'PostgreSQL' : 'PGlite'
const app = await buildTestApp(t)

const person = (unique: string, o: { email?: string; name?: string; roles?: string[] } = {}): Array<[string, string]> => [
  ['UniqueName', unique],
  ['UserEmail', o.email ?? `${unique}@buyer.example.com`],
  ['UserPrintableName', o.name ?? `${unique} Buyer`],
  ...(o.roles ?? []).map((r): [string, string] => ['Role', r]),
]

interface Case {
  name: string
  /** Runs the setups the case needs; returns the last assertion and the claims it must carry. */
  run(): Promise<{ token: string; customer: { id: string; slug: string }; claims: Record<string, unknown> }>
}

const cases: Case[] = [
  ...CORPUS.map((sample): Case => ({
    name: `corpus ${sample.file}`,
    async run() {
      const customer = await corpusCustomer(app, sample)
      const token = await assertionFor(app, corpusBody(sample))
      const u = sample.user as { email: string; displayName: string | null }
      return { token, customer, claims: { email: u.email, name: u.displayName, roles: ['buyer'], permissions: DEFAULT_PERMISSIONS, spend_limit: null, op: 'create' } }
    },
  })),
  {
    name: 'a known user whose name and email changed',
    async run() {
      const { customer, from } = await buyerCustomer(app)
      await assertionFor(app, setupRequest({ from, extrinsics: person('kim') }))
      const token = await assertionFor(app, setupRequest({ from, extrinsics: person('kim', { email: 'kim.new@buyer.example.com', name: 'Kim New' }) }))
      return { token, customer, claims: { email: 'kim.new@buyer.example.com', name: 'Kim New', roles: ['buyer'] } }
    },
  },
  {
    name: 'a new role under the pending policy',
    async run() {
      const { customer, from } = await buyerCustomer(app)
      const token = await assertionFor(app, setupRequest({ from, extrinsics: person('pat', { roles: ['Approver'] }) }))
      return { token, customer, claims: { roles: ['Approver'], permissions: DEFAULT_PERMISSIONS, spend_limit: null } }
    },
  },
  {
    name: 'a new role under the default policy',
    async run() {
      const { customer, from } = await buyerCustomer(app, { provisioning: { unknownRoles: 'default' } })
      await api(app, 'PUT', `/api/customers/${customer.id}/roles/buyer`, { permissions: ['browse', 'return_cart'], spendLimit: 99.5 })
      const token = await assertionFor(app, setupRequest({ from, extrinsics: person('dee', { roles: ['Approver'] }) }))
      return { token, customer, claims: { roles: ['buyer'], permissions: ['browse', 'return_cart'], spend_limit: '99.50' } }
    },
  },
  {
    name: 'a pending role mapped before the next session',
    async run() {
      const { customer, from } = await buyerCustomer(app)
      await assertionFor(app, setupRequest({ from, extrinsics: person('max', { roles: ['Approver'] }) }))
      await api(app, 'PUT', `/api/customers/${customer.id}/roles/approver`, { permissions: ['browse', 'view_invoices', 'order_over_spend_limit'], spendLimit: 10000 })
      const token = await assertionFor(app, setupRequest({ from, extrinsics: person('max', { roles: ['Approver'] }) }))
      return { token, customer, claims: { roles: ['Approver'], permissions: ['browse', 'order_over_spend_limit', 'view_invoices'], spend_limit: '10000.00' } }
    },
  },
  {
    name: 'a re-enabled user',
    async run() {
      const { customer, from } = await buyerCustomer(app)
      await assertionFor(app, setupRequest({ from, extrinsics: person('ren') }))
      const [user] = await usersOf(app, customer.id)
      await api(app, 'POST', `/api/users/${user!.id}/disable`)
      const refused = await punchout(app, setupRequest({ from, extrinsics: person('ren') }))
      if (refused.code !== 403) throw new Error(`a disabled user was let in: ${refused.code}`)
      await api(app, 'POST', `/api/users/${user!.id}/enable`)
      const token = await assertionFor(app, setupRequest({ from, extrinsics: person('ren') }))
      return { token, customer, claims: { email: 'ren@buyer.example.com' } }
    },
  },
  {
    name: 'an unidentified buyer',
    async run() {
      const { customer, from } = await buyerCustomer(app, { name: 'Umbrella', provisioning: { allowUnidentifiedBuyers: true } })
      const token = await assertionFor(app, setupRequest({ from, extrinsics: [] }))
      return { token, customer, claims: { email: null, name: 'Unidentified buyer of Umbrella', unidentified: true, roles: ['buyer'] } }
    },
  },
]

for (const c of cases) {
  t.test(`${c.name}: the assertion verifies against the JWKS with the right claims (${db})`, async (t) => {
    const { token, customer, claims } = await c.run()
    const { payload, protectedHeader } = await verifyLikeStorefront(app, token)
    const [user] = (await usersOf(app, customer.id)).filter((u) => u.id === payload.sub)
    t.ok(user, 'sub is the id of a user of this customer')
    t.equal(protectedHeader.alg, 'ES256')
    t.ok((await jwks(app)).keys.some((k) => k.kid === protectedHeader.kid), 'kid is published')
    t.match(payload, { iss: 'https://gateway.test', aud: AUDIENCE, customer: customer.slug, customer_id: customer.id, op: 'create', protocol: 'cxml', ...claims })
    for (const claim of ['sid', 'jti', 'roles', 'permissions', 'spend_limit', 'email', 'name']) t.ok(claim in payload, `claim ${claim}`)
    t.match(payload.jti, /^[A-Za-z0-9_-]{22}$/, 'jti: 128 random bits')
    t.equal(payload.iat, Math.floor(app.clock.now.getTime() / 1000))
    t.ok(payload.exp! - payload.iat! <= 120 && payload.exp! > payload.iat!, 'short-lived')
    const session = await app.db.orm.em.fork().findOneOrFail(PunchoutSession, { id: payload.sid as string })
    t.match(session, { customerId: customer.id, userId: payload.sub, status: 'started' }, 'sid is the punchout session')
    // The gateway's own storefront accepts it once.
    t.equal((await shopLogin(app, token)).statusCode, 303)
    t.equal((await shopLogin(app, token)).statusCode, 401, 'single use')
  })
}

t.test('sub is stable across sessions of one user; sid and jti are not', async (t) => {
  const { from } = await buyerCustomer(app)
  const a = (await verifyLikeStorefront(app, await assertionFor(app, setupRequest({ from, extrinsics: person('sam') })))).payload
  const b = (await verifyLikeStorefront(app, await assertionFor(app, setupRequest({ from, extrinsics: person('sam', { email: 'sam2@buyer.example.com' }) })))).payload
  t.equal(a.sub, b.sub)
  t.not(a.sid, b.sid)
  t.not(a.jti, b.jti)
  t.not(a.sub, a.email, 'sub is not the email')
})

// ---------------------------------------------------------------------------------------------
// Forgeries: each is refused by a standard JWT library and by the gateway itself.

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const parts = (token: string) => {
  const [h, p, sig] = token.split('.') as [string, string, string]
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()), h, p, sig }
}

t.test('forged assertions are rejected by jose and by the gateway', async (t) => {
  const { from } = await buyerCustomer(app)
  const genuine = await assertionFor(app, setupRequest({ from, extrinsics: person('eve') }))
  const { header, payload, h, sig } = parts(genuine)
  const jwk = (await jwks(app)).keys.find((k) => k.kid === header.kid) as JWK
  const publicPem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
  const stored = await app.deps.keys.signingKey()
  t.equal(stored.kid, header.kid)
  const privateKey = await importPKCS8(stored.privateKeyPem, 'ES256')

  const forgeries: Record<string, () => Promise<string> | string> = {
    'B9 jwt-alg-none': () => `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${b64(payload)}.`,
    'B10 jwt-alg-confusion (HS256 keyed with the public key)': () => {
      const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${b64({ ...payload, jti: 'hs256-forged' })}`
      return `${signingInput}.${createHmac('sha256', publicPem).update(signingInput).digest('base64url')}`
    },
    'tampered payload (more permissions)': () =>
      `${h}.${b64({ ...payload, permissions: [...payload.permissions, 'order_on_account'] })}.${sig}`,
    'B11 jwt-wrong-audience (genuinely signed for another storefront)': () =>
      new SignJWT({ ...payload, aud: 'another-storefront', jti: 'wrong-aud-forged' })
        .setProtectedHeader({ alg: 'ES256', kid: header.kid }).sign(privateKey),
    'B14 jwt-kid-unknown-or-jku (unknown kid)': () =>
      new SignJWT({ ...payload, jti: 'unknown-kid' }).setProtectedHeader({ alg: 'ES256', kid: 'not-a-gateway-key' }).sign(privateKey),
  }
  for (const [name, forge] of Object.entries(forgeries)) {
    await t.test(`${name}: rejected by jose and by the storefront login`, async (t) => {
      const token = await forge()
      await t.rejects(verifyLikeStorefront(app, token), 'jose rejects')
      const res = await shopLogin(app, token)
      t.equal(res.statusCode, 401, 'the gateway answers 401')
      t.match(res.headers['content-type'], /^text\/html/)
      t.match(res.body, /identity assertion is not valid/)
    })
  }
  // The wrong-audience token is otherwise genuine: only its audience is wrong.
  const other = await forgeries['B11 jwt-wrong-audience (genuinely signed for another storefront)']!()
  await t.resolves(verifyLikeStorefront(app, other, 'another-storefront'))
  // And the genuine assertion was not consumed by any of the above.
  t.equal((await shopLogin(app, genuine)).statusCode, 303)
})

t.test('an expired assertion is rejected', async (t) => {
  const { from } = await buyerCustomer(app)
  const token = await assertionFor(app, setupRequest({ from, extrinsics: person('old') }))
  app.clock.advance(120)
  await t.rejects(verifyLikeStorefront(app, token), { code: 'ERR_JWT_EXPIRED' })
  t.equal((await shopLogin(app, token)).statusCode, 401)
})

t.test(`B15 jwt-key-rotation: new assertions use the new key, earlier ones still verify (${db})`, async (t) => {
  const app = await buildTestApp(t)
  const { from } = await buyerCustomer(app)
  const before = await assertionFor(app, setupRequest({ from, extrinsics: person('rot') }))
  const oldKid = decodeProtectedHeader(before).kid!
  const rotated = await api(app, 'POST', '/api/keys/rotate')
  t.equal(rotated.statusCode, 200)
  const { kid: newKid, retiredKids } = rotated.json()
  t.not(newKid, oldKid)
  t.same(retiredKids, [oldKid])
  t.same((await jwks(app)).keys.map((k) => k.kid).sort(), [oldKid, newKid].sort(), 'both keys published')

  const after = await assertionFor(app, setupRequest({ from, extrinsics: person('rot') }))
  t.equal(decodeProtectedHeader(after).kid, newKid, 'new assertions carry the new kid')
  await t.resolves(verifyLikeStorefront(app, after))
  await t.resolves(verifyLikeStorefront(app, before), 'an assertion signed before rotation still verifies')
  t.equal((await shopLogin(app, before)).statusCode, 303)
  t.equal((await shopLogin(app, after)).statusCode, 303)

  // Once no assertion of the old key can be live (TTL + 120 s), it leaves the JWKS.
  app.clock.advance(60 + 120 + 11)
  t.same((await jwks(app)).keys.map((k) => k.kid), [newKid])
})

t.test(`B15 jwt-key-rotation: once its assertions have expired, the old key leaves the JWKS and verifies nothing (${db})`, async (t) => {
  const app = await buildTestApp(t)
  const { from } = await buyerCustomer(app)
  const old = await app.deps.keys.signingKey()
  const oldKey = await importPKCS8(old.privateKeyPem, 'ES256')
  // What a copy of the old key signs now: every claim right, only the key is retired.
  const signedByOldKey = (payload: Record<string, unknown>) => {
    const iat = Math.floor(app.clock.now.getTime() / 1000)
    return new SignJWT({ ...payload, jti: `old-key-${iat}`, iat, nbf: iat, exp: iat + 60 })
      .setProtectedHeader({ alg: 'ES256', kid: old.kid }).sign(oldKey)
  }
  const { payload } = await verifyLikeStorefront(app, await assertionFor(app, setupRequest({ from, extrinsics: person('ret') })))
  const { kid: newKid } = (await api(app, 'POST', '/api/keys/rotate')).json()

  // The whole lifetime of an assertion (TTL 60 s, plus the verifier's 30 s tolerance) later, the
  // old key is still published: an assertion it signed at rotation is still live.
  app.clock.advance(60 + 30)
  t.same((await jwks(app)).keys.map((k) => k.kid).sort(), [old.kid, newKid].sort(), 'both keys published')
  await t.resolves(verifyLikeStorefront(app, await signedByOldKey(payload)), 'the old key still verifies')

  app.clock.advance(120 - 30 + 11)
  t.same((await jwks(app)).keys.map((k) => k.kid), [newKid], 'only the new key is published')
  const late = await signedByOldKey(payload)
  await t.rejects(verifyLikeStorefront(app, late), { code: 'ERR_JWKS_NO_MATCHING_KEY' }, 'refused by a storefront verifying against the JWKS')
  const login = await shopLogin(app, late)
  t.equal(login.statusCode, 401, 'refused by the built-in storefront')
  t.match(login.body, 'it was not signed by a key of this gateway')
})

t.test(`B15 jwt-key-rotation: a retired key's private part is erased at rotation, the key deleted by a rotation after it left the JWKS (${db})`, async (t) => {
  const app = await buildTestApp(t)
  const keys = () => app.db.orm.em.fork().find(SigningKey, {}, { orderBy: { createdAt: 'asc' } })
  const [first] = await keys()
  await api(app, 'POST', '/api/keys/rotate')
  t.match(await keys(), [{ kid: first!.kid, privateKeyPem: null }, { privateKeyPem: /^sealed:v1:/ }], 'the retired key keeps only its public part')

  app.clock.advance(60 + 120 + 1)
  const third = (await api(app, 'POST', '/api/keys/rotate')).json()
  const left = await keys()
  t.notOk(left.some((k) => k.kid === first!.kid), 'the key out of the JWKS is deleted')
  t.equal(left.length, 2, 'the key retired now stays, without its private part, until it leaves the JWKS')
  t.match(left, [{ privateKeyPem: null }, { kid: third.kid, privateKeyPem: /^sealed:v1:/ }])
})
