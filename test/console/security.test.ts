import t, { type Test } from 'tap'
import { AuditEntry, Customer } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createCustomer } from '../helpers/fixtures.ts'
import { ConsoleBrowser, signedIn } from './console-helpers.ts'

/** The console's defences (docs/console.md, "Security"): CSRF on every form, secure headers on every answer. */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()
const customer = await createCustomer(app, { name: 'Initech' })
const { browser } = await signedIn(app, 'admin')
const editUrl = `/console/customers/${customer.id}/edit`
const edit = (fields: Record<string, string | null>, headers: Record<string, string> = {}) =>
  browser.post(editUrl, { name: 'Renamed', tier: 'standard', slaTier: '2', retentionDays: '30', identityProfile: 'generic', cartTransport: 'cxml-urlencoded', unknownRoles: 'pending', defaultRole: 'buyer', ...fields }, headers)

async function unchanged(t: Test) {
  t.equal((await em().findOneOrFail(Customer, { id: customer.id })).name, 'Initech', 'nothing changed')
  t.equal(await em().count(AuditEntry, { action: 'customer.update' }), 0, 'nothing audited')
}

t.test('a form without the CSRF token is refused and changes nothing', async (t) => {
  await browser.get(editUrl)
  const res = await edit({ _csrf: null })
  t.equal(res.statusCode, 403)
  t.match(res.body, 'PG_ERR_API_FORBIDDEN')
  t.match(res.body, 'This form has expired or did not come from the console.')
  await unchanged(t)
})

t.test('a wrong CSRF token, or another session\'s, is refused', async (t) => {
  const other = await signedIn(app, 'admin')
  await other.browser.get(editUrl)
  for (const token of ['x', browser.csrf.slice(0, -1) + (browser.csrf.endsWith('A') ? 'B' : 'A'), other.browser.csrf]) {
    const res = await edit({ _csrf: token })
    t.equal(res.statusCode, 403, token)
  }
  await unchanged(t)
})

t.test('a form a browser says came from another site is refused, even with the token', async (t) => {
  await browser.get(editUrl)
  const foreign: Array<Record<string, string>> = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' }]
  for (const headers of foreign) {
    const res = await edit({}, headers)
    t.equal(res.statusCode, 403, JSON.stringify(headers))
  }
  await unchanged(t)
})

t.test('the same form from the console itself goes through', async (t) => {
  await browser.get(editUrl)
  const res = await edit({}, { 'sec-fetch-site': 'same-origin', origin: 'https://gateway.test' })
  t.equal(res.statusCode, 303)
  t.equal((await em().findOneOrFail(Customer, { id: customer.id })).name, 'Renamed')
})

t.test('a sign-in post without the sign-in form\'s session is refused', async (t) => {
  const stranger = new ConsoleBrowser(app)
  const res = await stranger.post('/console/sign-in', { email: 'a@b.example', password: 'whatever-whatever' })
  t.equal(res.statusCode, 403)
})

t.test('every answer carries the secure headers: pages, redirects, errors, the sign-in form', async (t) => {
  const answers = {
    page: await browser.get('/console/customers'),
    notFound: await browser.get('/console/no-such-page'),
    error: await browser.get('/console/sessions/00000000-0000-4000-8000-000000000000'),
    redirect: await new ConsoleBrowser(app).get('/console'),
    signIn: await new ConsoleBrowser(app).get('/console/sign-in'),
    refused: await edit({ _csrf: null }),
  }
  for (const [name, res] of Object.entries(answers)) {
    const csp = String(res.headers['content-security-policy'])
    t.match(csp, /^default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-[\w+/=]{24}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/, `${name}: CSP`)
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${name}: nosniff`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${name}: never framed`)
    t.equal(res.headers['referrer-policy'], 'same-origin', `${name}: referrer`)
    t.equal(res.headers['cache-control'], 'no-store', `${name}: not cached`)
  }
  t.equal(answers.notFound.statusCode, 404)
  t.equal(answers.error.statusCode, 404)
  const nonce = /script-src 'nonce-([^']+)'/.exec(String(answers.page.headers['content-security-policy']))![1]
  t.match(answers.page.body, `<script nonce="${nonce}">`, 'the one script carries the nonce')
  t.equal(answers.page.body.match(/<script/g)!.length, 1)
  const second = await browser.get('/console/customers')
  t.not(String(second.headers['content-security-policy']), String(answers.page.headers['content-security-policy']), 'a fresh nonce per answer')
})

t.test('console requests are not journaled as protocol requests', async (t) => {
  const rows = await gateway.db.orm.em.fork().getConnection().execute("select count(*) as n from journal_entries where path like '/console%'")
  t.equal(Number(rows[0].n), 0)
})
