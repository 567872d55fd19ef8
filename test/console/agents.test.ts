import t from 'tap'
import { AgentAccount, AuditEntry } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { createCustomer } from '../helpers/fixtures.ts'
import { ConsoleBrowser, createAgent, PASSWORD, signedIn } from './console-helpers.ts'

/**
 * Agent accounts in the console (docs/console.md, "Agents"): admins only, through the audited
 * domain functions, within the admin's customer scope.
 */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()

const acme = await createCustomer(app, { name: 'Acme Corp' })
const globex = await createCustomer(app, { name: 'Globex' })
const { agent: admin, browser } = await signedIn(app, 'admin')
const adminActor = `agent:${admin.email}`
const NEW_PASSWORD = 'another long passphrase'

const idFrom = (location: unknown) => /^\/console\/agents\/([0-9a-f-]{36})\?done=created$/.exec(String(location))?.[1]
const agentRow = (id: string) => em().findOneOrFail(AgentAccount, { id })
const auditOf = (action: string, targetId: string) => em().find(AuditEntry, { action, targetId }, { orderBy: { id: 'asc' } })

async function snapshot() {
  const e = em()
  return {
    agents: (await e.find(AgentAccount, {}, { orderBy: { email: 'asc' } })).map((a) => [a.email, a.name, a.role, a.customerIds, a.disabledAt, a.passwordHash]),
    audit: await e.count(AuditEntry, { action: { $like: 'agent.%' } }),
  }
}

t.test('only admins see the Agents entry; support and auditor are refused the pages', async (t) => {
  t.match((await browser.get('/console')).body, '<a href="/console/agents">Agents</a>')
  t.equal((await browser.get('/console/agents')).statusCode, 200)
  for (const role of ['support', 'auditor'] as const) {
    const { browser: other } = await signedIn(app, role)
    t.notMatch((await other.get('/console')).body, 'href="/console/agents"', `${role}: no nav entry`)
    for (const url of ['/console/agents', '/console/agents/new', `/console/agents/${admin.id}`]) {
      const res = await other.get(url)
      t.equal(res.statusCode, 403, `${role}: ${url}`)
      t.match(res.body, 'PG_ERR_API_FORBIDDEN')
    }
  }
})

t.test('a forged form of support or auditor is refused and changes nothing', async (t) => {
  const target = await createAgent(app, { role: 'support' })
  const forms = {
    create: ['/console/agents', { email: 'forged@supplier.example', name: 'Forged', role: 'admin', scope: 'all', password: PASSWORD }],
    edit: [`/console/agents/${target.id}`, { name: 'Renamed', role: 'admin', scope: 'all' }],
    disable: [`/console/agents/${target.id}/disable`, { reason: 'x' }],
    password: [`/console/agents/${target.id}/password`, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }],
  } as const
  for (const role of ['support', 'auditor'] as const) {
    const { browser: other } = await signedIn(app, role)
    const before = await snapshot()
    for (const [name, [url, fields]] of Object.entries(forms)) {
      const res = await other.post(url, fields)
      t.equal(res.statusCode, 403, `${role}: ${name}`)
      t.match(res.body, 'PG_ERR_API_FORBIDDEN', `${role}: ${name}`)
    }
    t.same(await snapshot(), before, `${role}: nothing changed`)
  }
})

t.test('the list: e-mail, name, role, customers, status, last sign-in; never a password hash', async (t) => {
  const scoped = await createAgent(app, { role: 'auditor', name: 'Ada Auditor', customerIds: [acme.id] })
  await new ConsoleBrowser(app).signIn(scoped.email, scoped.password)
  const page = await browser.get('/console/agents')
  t.equal(page.statusCode, 200)
  t.match(page.body, 'aria-current="page">Agents</a>')
  const row = new RegExp(`<tr><td><a href="/console/agents/${scoped.id}">${scoped.email}</a></td>\\s*<td>Ada Auditor</td><td>auditor</td><td>Acme Corp</td>\\s*<td><span class="badge active">active</span></td><td>\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC</td></tr>`)
  t.match(page.body, row)
  t.match(page.body, new RegExp(`${admin.email}</a> <span class="muted">\\(you\\)</span></td>\\s*<td>Test admin</td><td>admin</td><td>every customer</td>`))
  for (const url of ['/console/agents', `/console/agents/${scoped.id}`]) {
    const body = (await browser.get(url)).body
    t.notMatch(body, 'scrypt$', `${url}: no hash`)
    t.notMatch(body, PASSWORD, `${url}: no password`)
  }
})

t.test('an admin creates an agent: audited with the reason, and the agent can sign in', async (t) => {
  const form = await browser.get('/console/agents/new')
  t.match(form.body, '<input type="radio" name="scope" value="all" checked>', 'every customer by default for an admin who has them all')
  t.match(form.body, `<input type="checkbox" name="customerIds" value="${globex.id}"> Globex`)
  const res = await browser.post('/console/agents', {
    email: 'Sam.Support@Supplier.example', name: 'Sam Support', role: 'support', scope: 'customers', customerIds: [acme.id, globex.id],
    password: PASSWORD, reason: 'Ticket 42: new hire',
  })
  t.equal(res.statusCode, 303)
  const id = idFrom(res.headers.location)!
  t.ok(id, 'redirected to the new agent')
  t.match(await agentRow(id), { email: 'sam.support@supplier.example', name: 'Sam Support', role: 'support', customerIds: [acme.id, globex.id], disabledAt: null })
  const [entry] = await auditOf('agent.create', id)
  t.match(entry, { actor: adminActor, reason: 'Ticket 42: new hire', after: { email: 'sam.support@supplier.example', role: 'support' } })
  t.notMatch(JSON.stringify(entry), PASSWORD, 'no password in the audit log')
  const page = await browser.get(res.headers.location as string)
  t.match(page.body, 'Agent created.')
  t.match(page.body, '<dt>Customers</dt><dd>Acme Corp, Globex</dd>')
  t.equal((await new ConsoleBrowser(app).signIn('sam.support@supplier.example', PASSWORD)).statusCode, 303)
})

t.test('a refused create shows the form again with the message, code and reference, and creates nothing', async (t) => {
  const before = await snapshot()
  const base = { email: admin.email, name: 'Dup <Name>', role: 'auditor', scope: 'all', password: PASSWORD, reason: 'r' }
  const cases = [
    [{}, 409, 'PG_ERR_CONFLICT', `An agent with e-mail ${admin.email} already exists.`],
    [{ email: 'short@supplier.example', password: 'short' }, 400, 'PG_ERR_API_VALIDATION', 'Please correct: password'],
    [{ email: 'none@supplier.example', scope: 'customers' }, 400, 'PG_ERR_API_VALIDATION', 'choose at least one customer'],
    [{ email: 'not-an-email' }, 400, 'PG_ERR_API_VALIDATION', 'Please correct: email'],
    [{ email: 'role@supplier.example', role: 'storefront' }, 400, 'PG_ERR_API_VALIDATION', 'Please correct: role'],
  ] as const
  for (const [fields, status, code, message] of cases) {
    const res = await browser.post('/console/agents', { ...base, ...fields })
    t.equal(res.statusCode, status, code)
    t.match(res.body, /id="form-error"/)
    t.match(res.body, message)
    t.match(res.body, new RegExp(`Code <code>${code}</code> · reference <code>[^<]+</code>`))
    t.match(res.body, 'id="agent-form"', 'the form again')
    t.match(res.body, 'value="Dup &lt;Name&gt;"', 'with what was typed')
    t.notMatch(res.body, PASSWORD, 'but never the password')
  }
  t.same(await snapshot(), before)
})

t.test('an admin edits name, role and customers: audited with the reason', async (t) => {
  const target = await createAgent(app, { role: 'support', name: 'Old Name' })
  const res = await browser.post(`/console/agents/${target.id}`, { name: 'New Name', role: 'auditor', scope: 'customers', customerIds: globex.id, reason: 'moved teams' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/console/agents/${target.id}?done=saved`)
  t.match(await agentRow(target.id), { name: 'New Name', role: 'auditor', customerIds: [globex.id] })
  const [entry] = await auditOf('agent.update', target.id)
  t.match(entry, { actor: adminActor, reason: 'moved teams', before: { name: 'Old Name', role: 'support', customerIds: null }, after: { name: 'New Name', role: 'auditor', customerIds: [globex.id] } })
  const back = await browser.post(`/console/agents/${target.id}`, { name: 'New Name', role: 'auditor', scope: 'all', reason: 'all again' })
  t.equal(back.statusCode, 303)
  t.equal((await agentRow(target.id)).customerIds, null, 'every customer again')
  const refused = await browser.post(`/console/agents/${target.id}`, { name: '  ', role: 'auditor', scope: 'all' })
  t.equal(refused.statusCode, 400)
  t.match(refused.body, 'PG_ERR_API_VALIDATION')
  t.match(refused.body, 'id="edit-form"')
  t.equal((await agentRow(target.id)).name, 'New Name', 'nothing saved')
})

t.test('disable: audited, the agent cannot sign in and their open session ends; enable brings them back', async (t) => {
  const target = await createAgent(app, { role: 'support' })
  const theirs = new ConsoleBrowser(app)
  t.equal((await theirs.signIn(target.email, target.password)).statusCode, 303)
  await browser.get(`/console/agents/${target.id}`)
  const res = await browser.post(`/console/agents/${target.id}/disable`, { reason: 'left the company' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/console/agents/${target.id}?done=disabled`)
  t.match(await auditOf('agent.update', target.id), [{ actor: adminActor, reason: 'left the company', after: { disabled: true } }])
  t.equal((await theirs.get('/console')).statusCode, 303, 'the open session is out')
  t.equal((await new ConsoleBrowser(app).signIn(target.email, target.password)).statusCode, 401, 'no new sign-in')
  const page = await browser.get(`/console/agents/${target.id}`)
  t.match(page.body, '<span class="badge disabled">disabled</span>')
  t.match(page.body, `action="/console/agents/${target.id}/enable"`)
  t.equal((await browser.post(`/console/agents/${target.id}/enable`, { reason: 'came back' })).statusCode, 303)
  t.equal((await agentRow(target.id)).disabledAt, null)
  t.equal((await new ConsoleBrowser(app).signIn(target.email, target.password)).statusCode, 303)
})

t.test('set password: typed twice, audited without it; the old one stops working', async (t) => {
  const target = await createAgent(app, { role: 'auditor' })
  const hash = (await agentRow(target.id)).passwordHash
  const differ = await browser.post(`/console/agents/${target.id}/password`, { password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` })
  t.equal(differ.statusCode, 400)
  t.match(differ.body, 'the two passwords differ')
  t.match(differ.body, /Code <code>PG_ERR_API_VALIDATION<\/code> · reference <code>[^<]+<\/code>/)
  t.match(differ.body, 'id="password-form"')
  t.notMatch(differ.body, NEW_PASSWORD)
  const short = await browser.post(`/console/agents/${target.id}/password`, { password: 'short', confirm: 'short' })
  t.equal(short.statusCode, 400)
  t.equal((await agentRow(target.id)).passwordHash, hash, 'nothing changed')
  const res = await browser.post(`/console/agents/${target.id}/password`, { password: NEW_PASSWORD, confirm: NEW_PASSWORD, reason: 'forgot it' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, `/console/agents/${target.id}?done=password`)
  const entries = await auditOf('agent.password', target.id)
  t.match(entries, [{ actor: adminActor, reason: 'forgot it' }])
  t.notMatch(JSON.stringify(entries), NEW_PASSWORD)
  t.equal((await new ConsoleBrowser(app).signIn(target.email, PASSWORD)).statusCode, 401, 'old password refused')
  t.equal((await new ConsoleBrowser(app).signIn(target.email, NEW_PASSWORD)).statusCode, 303, 'new password works')
})

t.test('every form needs the CSRF token of the session', async (t) => {
  const target = await createAgent(app, { role: 'support' })
  const before = await snapshot()
  const create = { email: 'csrf@supplier.example', name: 'CSRF', role: 'admin', scope: 'all', password: PASSWORD }
  for (const [what, fields, headers] of [
    ['no token', { ...create, _csrf: null }, {}],
    ['a wrong token', { ...create, _csrf: 'x'.repeat(43) }, {}],
    ['another site', create, { 'sec-fetch-site': 'cross-site' }],
  ] as const) {
    t.equal((await browser.post('/console/agents', fields, headers)).statusCode, 403, `create: ${what}`)
  }
  t.equal((await browser.post(`/console/agents/${target.id}/disable`, { _csrf: null, reason: 'x' })).statusCode, 403)
  t.equal((await browser.post(`/console/agents/${target.id}/password`, { _csrf: null, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).statusCode, 403)
  t.same(await snapshot(), before)
})

t.test('a scoped admin sees and creates agents only within its customers', async (t) => {
  const inScope = await createAgent(app, { role: 'support', customerIds: [acme.id] })
  const outside = await createAgent(app, { role: 'support', customerIds: [globex.id] })
  const { browser: scoped } = await signedIn(app, 'admin', [acme.id])
  const list = await scoped.get('/console/agents')
  t.match(list.body, inScope.email)
  t.notMatch(list.body, outside.email, "another customer's agent")
  t.notMatch(list.body, admin.email, 'an agent of every customer')
  const form = await scoped.get('/console/agents/new')
  t.notMatch(form.body, 'name="scope" value="all"', 'every customer is not offered')
  t.notMatch(form.body, 'Globex')
  t.match(form.body, `<input type="checkbox" name="customerIds" value="${acme.id}" checked> Acme Corp`)
  for (const url of [`/console/agents/${outside.id}`, `/console/agents/${admin.id}`]) t.equal((await scoped.get(url)).statusCode, 404, url)
  const before = await snapshot()
  const forged = { name: 'Forged', role: 'support', password: PASSWORD }
  t.equal((await scoped.post('/console/agents', { ...forged, email: 'f1@supplier.example', scope: 'customers', customerIds: globex.id })).statusCode, 403)
  t.equal((await scoped.post('/console/agents', { ...forged, email: 'f2@supplier.example', scope: 'all' })).statusCode, 403)
  t.equal((await scoped.post(`/console/agents/${outside.id}/disable`, { reason: 'x' })).statusCode, 404)
  t.equal((await scoped.post(`/console/agents/${inScope.id}`, { name: 'x', role: 'support', scope: 'all' })).statusCode, 403)
  t.same(await snapshot(), before)
  const res = await scoped.post('/console/agents', { ...forged, email: 'acme.agent@supplier.example', name: 'Acme Agent', scope: 'customers', customerIds: acme.id })
  t.equal(res.statusCode, 303)
  t.match(await agentRow(idFrom(res.headers.location)!), { customerIds: [acme.id] })
})

t.test("hostile names show as text on the agents' pages", async (t) => {
  const hostileCustomer = await createCustomer(app, { name: `Evil "Co" <script>alert('customer')</script>` })
  const hostile = await createAgent(app, { role: 'support', name: `<img src=x onerror=alert('agent')>"'`, customerIds: [hostileCustomer.id] })
  for (const url of ['/console/agents', `/console/agents/${hostile.id}`, '/console/agents/new']) {
    const body = (await browser.get(url)).body
    t.notMatch(body, /<script>alert|<img src=x/, `${url}: no markup from names`)
    t.match(body, '&lt;script&gt;alert(&#39;customer&#39;)&lt;/script&gt;', `${url}: the customer name as text`)
  }
  t.match((await browser.get(`/console/agents/${hostile.id}`)).body, '<h1>&lt;img src=x onerror=alert(&#39;agent&#39;)&gt;&quot;&#39;</h1>')
})
