import t from 'tap'
import { createSigner } from 'fast-jwt'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { checkReturnUrl } from '../../src/domain/return-url.ts'
import { ASSERTION_ALGORITHM } from '../../src/domain/federation/key-ring.ts'
import { JournalEntry, SigningKey } from '../../src/persistence/entities/index.ts'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { adminHeaders, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { HOSTILE_CXML, hostile, hostileCustomer } from './helpers.ts'

/** The defects an attack run found (issue 13), each under its security-plan name. */
const app = await buildTestApp(t)
await hostileCustomer(app.app)
const em = () => app.db.orm.em.fork()

t.test('D8 redirect-path-traversal: encoded separators and dots in the path are refused', async (t) => {
  const urls = hostile('return-urls-encoded-traversal.txt').toString('utf8').split('\n').filter(Boolean)
  for (const url of urls) t.throws(() => checkReturnUrl(url, ['buyer.example.com/punchout/return']), { code: 'PG_ERR_RETURN_URL_REFUSED' }, url)
  t.equal(checkReturnUrl('https://buyer.example.com/punchout/return/step', ['buyer.example.com/punchout/return']), 'https://buyer.example.com/punchout/return/step')
})

t.test('B1 auth-wrong-shared-secret: an unknown identity and a wrong secret get the same answer', async (t) => {
  const unknown = cxmlAnswer((await postCxml(app.app, setupRequest({ from: [['NetworkID', 'AN-NOBODY']], secret: 'x' }))).body)
  const wrong = cxmlAnswer((await postCxml(app.app, setupRequest({ from: [['NetworkID', HOSTILE_CXML.identity]], secret: 'x' }))).body)
  t.equal(unknown.code, wrong.code)
  t.equal(unknown.text, wrong.text)
  const strip = (detail: string) => detail.replace(/NetworkID:\S+/, 'ID').replace(/reference [0-9a-f-]+/, 'REF')
  t.equal(strip(unknown.detail), strip(wrong.detail), 'the same words but for the identity the sender named')
  const oci = (username: string) => app.app.inject({ method: 'GET', url: `/punchout/oci?USERNAME=${username}&PASSWORD=x` })
  const [a, b] = [await oci('NOBODY'), await oci('HOSTILE-OCI')]
  t.equal(a.statusCode, b.statusCode)
  t.equal(a.body.replace(/OCI user \S+|<code>[0-9a-f-]+<\/code>/g, ''), b.body.replace(/OCI user \S+|<code>[0-9a-f-]+<\/code>/g, ''))
})

t.test('path parameters of any length are refused with a 4xx and journaled', async (t) => {
  const journaled = () => em().count(JournalEntry, { channel: 'start' })
  const before = await journaled()
  const start = await app.app.inject({ method: 'GET', url: `/punchout/start/${'a'.repeat(300)}` })
  t.ok(start.statusCode >= 400 && start.statusCode < 500, `start link: ${start.statusCode}`)
  t.match(start.headers['content-type'], /text\/html/)
  t.equal(await journaled(), before + 1, 'journaled like any refused start link')
  const id = await app.app.inject({ method: 'GET', url: `/api/customers/${'a'.repeat(300)}`, headers: adminHeaders })
  t.equal(id.statusCode, 400)
  t.notOk(app.logs.some((l) => l.includes('"level":50')), 'no error logged')
})

t.test('B12 jwt-expired-and-skew: an assertion older than its TTL plus 30 s is refused even when exp lies', async (t) => {
  const key = await app.deps.keys.signingKey()
  const sign = createSigner({ key: key.privateKeyPem, algorithm: ASSERTION_ALGORITHM, kid: key.kid })
  const now = Math.floor(app.clock.now.getTime() / 1000)
  const ttl = app.deps.config.assertionTtlSeconds
  const claims = (age: number) => ({ iss: PUBLIC_URL, aud: app.deps.config.storefrontAudience, sub: 'u1', jti: randomUUID(), sid: randomUUID(), iat: now - age, exp: now + 3600 })
  await t.resolves(app.deps.signer.verify(sign(claims(ttl + 20))), 'within TTL + 30 s')
  await t.rejects(app.deps.signer.verify(sign(claims(ttl + 30 + 31))), { code: 'PG_ERR_ASSERTION_INVALID' }, 'older than TTL + 30 s (+ 30 s clock tolerance)')
})

t.test('H2 secrets-at-rest: signing keys are stored sealed; rotation still works', async (t) => {
  const rows = await em().find(SigningKey, {})
  t.ok(rows.length > 0)
  for (const row of rows) {
    t.notMatch(row.privateKeyPem, /PRIVATE KEY/)
    t.match(row.privateKeyPem, /^sealed:v1:/)
  }
  const before = await app.deps.keys.signingKey()
  await app.app.inject({ method: 'POST', url: '/api/keys/rotate', headers: adminHeaders })
  const after = await app.deps.keys.signingKey()
  t.not(after.kid, before.kid)
  t.match(after.privateKeyPem, /BEGIN PRIVATE KEY/)
  t.match((await em().findOneOrFail(SigningKey, { kid: after.kid })).privateKeyPem, /^sealed:v1:/)
})

t.test('H2 secrets-at-rest: a key stored in clear before sealing existed is sealed at start and keeps its kid', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const kid = `legacy-${randomUUID()}`
  const e = em()
  await e.nativeUpdate(SigningKey, { retiredAt: null }, { retiredAt: app.clock.now })
  e.create(SigningKey, { kid, algorithm: ASSERTION_ALGORITHM, privateKeyPem: pem, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid }, createdAt: app.clock.now, retiredAt: null })
  await e.flush()
  app.clock.advance(11)
  await app.deps.keys.ensureKey()
  t.match((await em().findOneOrFail(SigningKey, { kid })).privateKeyPem, /^sealed:v1:/)
  t.same(await app.deps.keys.signingKey(), { kid, privateKeyPem: pem })
})

t.test('/docs needs an API token outside the demo', async (t) => {
  t.equal((await app.app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 401)
  t.equal((await app.app.inject({ method: 'GET', url: '/docs' })).statusCode, 401)
  const doc = await app.app.inject({ method: 'GET', url: '/docs/json', headers: adminHeaders })
  t.equal(doc.statusCode, 200)
  t.ok(doc.json().paths['/api/customers'])
})

t.test('the demo procurement page exists only in the demo', async (t) => {
  const post = (a: typeof app) => a.app.inject({ method: 'POST', url: '/demo/procurement/return', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'A=1' })
  t.equal((await post(app)).statusCode, 404)
  const demo = await buildTestApp(t, {}, { demo: true })
  t.equal((await post(demo)).statusCode, 200)
  t.equal((await demo.app.inject({ method: 'GET', url: '/docs/json' })).statusCode, 200, 'the demo keeps its docs open')
})
