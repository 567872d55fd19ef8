import t from 'tap'
import { AuditEntry, Credential, Customer } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer } from '../helpers/fixtures.ts'
import { customerWithCredential, setupFrom, signedIn } from './console-helpers.ts'

/**
 * Customers (docs/console.md, "Customers"): settings, the return-URL allow-list and credentials,
 * changed by an admin through the audited domain functions, with the reason typed in the form.
 */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()
const acme = await customerWithCredential(app, { name: 'Acme Corp' })
const { agent, browser } = await signedIn(app, 'admin')
const base = `/console/customers/${acme.id}`
const form = {
  name: 'Acme Corporation', tier: 'gold', slaTier: '1', retentionDays: '30', identityProfile: 'ariba', cartTransport: 'cxml-base64',
  unknownRoles: 'reject', defaultRole: 'buyer', autoCreateUsers: 'on', matchByEmail: 'on', reason: 'contract renewal',
}
const lastAudit = async (action: string) => (await em().find(AuditEntry, { action }, { orderBy: { id: 'desc' }, limit: 1 }))[0]

t.test('the list and the settings page', async (t) => {
  const list = await browser.get('/console/customers')
  t.match(list.body, new RegExp(`<a href="${base}">Acme Corp</a>`))
  t.match(list.body, 'Tier 3 · respond within 24 h')
  const page = await browser.get(base)
  t.match(page.body, /<dt>Support tier<\/dt><dd>Tier 3 · respond within 24 h<\/dd>/)
  t.match(page.body, /<dt>Payloads kept<\/dt><dd>90 days<\/dd>/)
  t.match(page.body, /<dt>Unknown roles<\/dt><dd>pending<\/dd>/)
  t.match(page.body, `<code>${acme.identity}</code>`)
})

t.test('an admin edits the settings: saved, audited with the agent and the reason', async (t) => {
  const edit = await browser.get(`${base}/edit`)
  t.equal(edit.statusCode, 200)
  t.match(edit.body, '<option value="3" selected>Tier 3 · respond within 24 h</option>')
  t.match(edit.body, '<textarea name="identityProfile" rows="4">generic</textarea>')
  const res = await browser.post(`${base}/edit`, form)
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, base)
  const saved = await em().findOneOrFail(Customer, { id: acme.id })
  t.match(saved, { name: 'Acme Corporation', tier: 'gold', slaTier: 1, retentionDays: 30, identityProfile: 'ariba', cartTransport: 'cxml-base64' })
  t.match(saved.provisioning, { unknownRoles: 'reject', autoCreateUsers: true, updateProfiles: false, matchByEmail: true, allowUnidentifiedBuyers: false })
  const audit = await lastAudit('customer.update')
  t.match(audit, { actor: `agent:${agent.email}`, reason: 'contract renewal', targetId: acme.id })
})

t.test('a custom identity profile as JSON', async (t) => {
  const profile = '{"preset": "generic", "fields": {"email": ["extrinsic:WorkEmail"]}}'
  t.equal((await browser.post(`${base}/edit`, { ...form, identityProfile: profile })).statusCode, 303)
  t.same((await em().findOneOrFail(Customer, { id: acme.id })).identityProfile, { preset: 'generic', fields: { email: ['extrinsic:WorkEmail'] } })
  t.equal((await browser.post(`${base}/edit`, { ...form, identityProfile: 'ariba' })).statusCode, 303)
})

t.test('a wrong value: the form again with what was typed and what is wrong; nothing saved', async (t) => {
  const before = await em().findOneOrFail(Customer, { id: acme.id })
  const res = await browser.post(`${base}/edit`, { ...form, name: 'Typed Name', retentionDays: '0', identityProfile: 'nonsense-preset' })
  t.equal(res.statusCode, 400)
  t.match(res.body, /<div class="card error" role="alert" id="form-error"><p>Please correct: [^<]*retentionDays: [^<]*/)
  t.match(res.body, /identityProfile/)
  t.match(res.body, 'name="name" value="Typed Name"', 'the typed values are kept')
  t.match(res.body, '>nonsense-preset</textarea>')
  t.same(await em().findOneOrFail(Customer, { id: acme.id }), before)
})

t.test('the return-URL allow-list: one entry per line; a bad entry is shown back, nothing saved', async (t) => {
  const res = await browser.post(`${base}/return-urls`, { hosts: 'buyer.example.com\r\n\r\nhttps://procure.example.org:8443/punchout \n', reason: 'new portal' })
  t.equal(res.statusCode, 303)
  t.same((await em().findOneOrFail(Customer, { id: acme.id })).returnUrlHosts, ['buyer.example.com', 'https://procure.example.org:8443/punchout'])
  t.equal((await lastAudit('customer.update'))!.reason, 'new portal')
  const bad = await browser.post(`${base}/return-urls`, { hosts: 'buyer.example.com\nnot a host!' })
  t.equal(bad.statusCode, 400)
  t.match(bad.body, /role="alert">Please correct: returnUrlHosts\.1: must be \[http:\/\/\]host\[:port\]\[\/path-prefix\]/)
  t.match(bad.body, 'buyer.example.com\nnot a host!</textarea>')
  t.same((await em().findOneOrFail(Customer, { id: acme.id })).returnUrlHosts, ['buyer.example.com', 'https://procure.example.org:8443/punchout'])
})

t.test('a new credential: the generated secret is shown once and works', async (t) => {
  const res = await browser.post(`${base}/credentials`, { protocol: 'cxml', domain: 'DUNS', identity: '987654321', secret: '', reason: 'second buyer system' })
  t.equal(res.statusCode, 200)
  const secret = /<p class="secret" id="secret-value">([\w-]+)<\/p>/.exec(res.body)![1]!
  t.equal(secret.length, 32)
  t.match(res.body, 'Copy it now: it is shown this once.')
  const stored = await em().findOneOrFail(Credential, { customerId: acme.id, identity: '987654321' })
  t.not(stored.secretHash, secret)
  t.match(await lastAudit('credential.create'), { reason: 'second buyer system' })
  const page = await browser.get(base)
  t.notMatch(page.body, secret, 'never shown again')
  const setup = await setupFrom(app, '987654321', { from: [['DUNS', '987654321']], secret })
  t.equal(cxmlAnswer(setup.body).code, 200, 'the new secret authenticates')
  const chosen = await browser.post(`${base}/credentials`, { protocol: 'oci', identity: 'acme-oci', secret: 'their-chosen-password' })
  t.match(chosen.body, '<p class="secret" id="secret-value">their-chosen-password</p>', 'a secret the buyer chose')
  t.match(await em().findOneOrFail(Credential, { customerId: acme.id, protocol: 'oci' }), { domain: 'oci', identity: 'acme-oci' })
})

t.test('rotation adds a new secret and keeps the old one until it is revoked', async (t) => {
  const old = await em().findOneOrFail(Credential, { customerId: acme.id, identity: acme.identity })
  const res = await browser.post(`${base}/credentials/${old.id}/rotate`, {})
  t.equal(res.statusCode, 200)
  t.match(res.body, '<h2>Credential rotated</h2>')
  const secret = /id="secret-value">([\w-]+)</.exec(res.body)![1]!
  t.equal(cxmlAnswer((await setupFrom(app, acme.identity, { secret })).body).code, 200, 'the new secret works')
  t.equal(cxmlAnswer((await setupFrom(app, acme.identity)).body).code, 200, 'the old one still works')
  t.match(res.body, `action="${base}/credentials/${old.id}/revoke"`, 'with a button to revoke the old one')
  const revoke = await browser.post(`${base}/credentials/${old.id}/revoke`, { reason: 'rotated' })
  t.equal(revoke.statusCode, 303)
  t.equal(cxmlAnswer((await setupFrom(app, acme.identity)).body).code, 401, 'the old secret is refused')
  t.equal(cxmlAnswer((await setupFrom(app, acme.identity, { secret })).body).code, 200)
  t.match(await lastAudit('credential.revoke'), { reason: 'rotated', actor: `agent:${agent.email}` })
  const again = await browser.post(`${base}/credentials/${old.id}/rotate`, {})
  t.equal(again.statusCode, 404, 'a revoked credential is not rotated')
})
