import t from 'tap'
import { agentPrincipal, authenticateAgent } from '../../../src/domain/accounts/agents.ts'
import { AgentAccount, AuditEntry } from '../../../src/persistence/entities/index.ts'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders, createCustomer } from '../../helpers/fixtures.ts'
import { call } from './accounts-helpers.ts'

/**
 * Agent accounts (docs/api.md, "Agent accounts"): created, changed, disabled and given passwords
 * through the admin API; signing in (authenticateAgent) and the per-request check (agentPrincipal)
 * as the console uses them.
 */
const app = await buildTestApp(t)
const em = () => app.db.orm.em.fork()
const PASSWORD = 'correct horse battery staple'
const signIn = (email: string, password: string) => authenticateAgent(em(), email, password, app.clock.now)

async function createAgent(body: Record<string, unknown>) {
  const res = await call(app, 'POST', '/api/agents', adminHeaders, body)
  if (res.statusCode !== 201) throw new Error(`createAgent: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; email: string }
}

t.test('creates an agent: e-mail lower-cased, the password never shown, stored as a salted scrypt hash', async (t) => {
  const res = await call(app, 'POST', '/api/agents', adminHeaders, { email: 'Ana.Support@Supplier.example', name: 'Ana', role: 'support', password: PASSWORD })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { email: 'ana.support@supplier.example', name: 'Ana', role: 'support', customerIds: null, disabled: false, hasPassword: true, lastSignInAt: null })
  t.notMatch(res.body, /correct horse|scrypt/)
  const stored = await em().findOneOrFail(AgentAccount, { id: res.json().id })
  t.match(stored.passwordHash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/)
  const other = await createAgent({ email: 'other@supplier.example', name: 'Other', role: 'support', password: PASSWORD })
  const otherHash = (await em().findOneOrFail(AgentAccount, { id: other.id })).passwordHash!
  t.not(otherHash.split('$')[4], stored.passwordHash!.split('$')[4], 'each password has its own salt')
  t.notMatch(app.logs.join('\n'), /correct horse/)
  const list = await call(app, 'GET', '/api/agents', adminHeaders)
  t.notMatch(list.body, /correct horse|scrypt/)
  t.ok(list.json().some((a: { email: string }) => a.email === 'ana.support@supplier.example'))
})

t.test('e-mails are unique whatever their case', async (t) => {
  await createAgent({ email: 'case@supplier.example', name: 'Case', role: 'auditor' })
  const res = await call(app, 'POST', '/api/agents', adminHeaders, { email: 'CASE@supplier.example', name: 'Case 2', role: 'auditor' })
  t.equal(res.statusCode, 409)
  t.equal(res.json().code, 'PG_ERR_CONFLICT')
})

t.test('refuses bad input and changes nothing', async (t) => {
  const before = await em().count(AgentAccount, {})
  for (const body of [
    { email: 'not-an-email', name: 'X', role: 'support' },
    { email: 'x@supplier.example', name: 'X', role: 'storefront' },
    { email: 'x@supplier.example', name: 'X', role: 'support', password: 'short-11chr' },
    { email: 'x@supplier.example', name: '', role: 'support' },
    { email: 'x@supplier.example', name: 'X', role: 'support', customerIds: [] },
  ]) {
    const res = await call(app, 'POST', '/api/agents', adminHeaders, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
  }
  t.equal(await em().count(AgentAccount, {}), before)
  const agent = await createAgent({ email: 'patch-bad@supplier.example', name: 'P', role: 'support' })
  t.equal((await call(app, 'PATCH', `/api/agents/${agent.id}`, adminHeaders, { email: 'new@supplier.example' })).statusCode, 400, 'the e-mail is not patchable')
  t.equal((await call(app, 'POST', `/api/agents/${agent.id}/password`, adminHeaders, { password: 'too-short' })).statusCode, 400)
  t.equal((await call(app, 'GET', '/api/agents/00000000-0000-4000-8000-000000000000', adminHeaders)).statusCode, 404)
})

t.test('signs in with the right password only; unknown e-mail and wrong password look the same', async (t) => {
  const agent = await createAgent({ email: 'sign.in@supplier.example', name: 'Sig', role: 'auditor', password: PASSWORD })
  t.equal(await signIn('sign.in@supplier.example', 'wrong password, long enough'), undefined)
  t.equal(await signIn('nobody@supplier.example', PASSWORD), undefined)
  t.equal((await em().findOneOrFail(AgentAccount, { id: agent.id })).lastSignInAt, null, 'a failed sign-in is not noted')
  app.clock.advance(60)
  const principal = await signIn('  Sign.In@Supplier.example ', PASSWORD)
  t.same(principal, {
    agentId: agent.id, email: 'sign.in@supplier.example', name: 'Sig',
    actor: { name: 'agent:sign.in@supplier.example', role: 'auditor', customerIds: null },
  })
  t.same((await em().findOneOrFail(AgentAccount, { id: agent.id })).lastSignInAt, app.clock.now, 'the sign-in is noted')
  t.same(await agentPrincipal(em(), agent.id), principal)
})

t.test('an account without a password cannot sign in until one is set', async (t) => {
  const agent = await createAgent({ email: 'no.password@supplier.example', name: 'N', role: 'support' })
  t.equal(await signIn('no.password@supplier.example', ''), undefined)
  t.equal(await signIn('no.password@supplier.example', PASSWORD), undefined)
  const res = await call(app, 'POST', `/api/agents/${agent.id}/password`, adminHeaders, { password: PASSWORD })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.ok(await signIn('no.password@supplier.example', PASSWORD))
  const changed = await call(app, 'POST', `/api/agents/${agent.id}/password`, adminHeaders, { password: 'another passphrase entirely' })
  t.equal(changed.statusCode, 204)
  t.equal(await signIn('no.password@supplier.example', PASSWORD), undefined, 'the old password no longer works')
  t.ok(await signIn('no.password@supplier.example', 'another passphrase entirely'))
  const audit = await em().find(AuditEntry, { targetType: 'agent', targetId: agent.id, action: 'agent.password' })
  t.equal(audit.length, 2)
  t.notMatch(JSON.stringify(audit), /passphrase|correct horse|scrypt/, 'the audit log keeps neither password nor hash')
})

t.test('a disabled agent cannot sign in, and its console session ends; re-enabled it can again', async (t) => {
  const agent = await createAgent({ email: 'leaver@supplier.example', name: 'Leaver', role: 'admin', password: PASSWORD })
  t.ok(await agentPrincipal(em(), agent.id))
  const disabled = await call(app, 'PATCH', `/api/agents/${agent.id}`, adminHeaders, { disabled: true })
  t.equal(disabled.statusCode, 200)
  t.equal(disabled.json().disabled, true)
  t.equal(await signIn('leaver@supplier.example', PASSWORD), undefined)
  t.equal(await agentPrincipal(em(), agent.id), undefined)
  await call(app, 'PATCH', `/api/agents/${agent.id}`, adminHeaders, { disabled: false })
  t.ok(await signIn('leaver@supplier.example', PASSWORD))
  t.equal(await agentPrincipal(em(), '00000000-0000-4000-8000-000000000000'), undefined, 'an unknown id')
})

t.test('patches name, role and customer scope; the principal follows', async (t) => {
  const customer = await createCustomer(app.app)
  const agent = await createAgent({ email: 'changer@supplier.example', name: 'Changer', role: 'support', password: PASSWORD })
  const res = await call(app, 'PATCH', `/api/agents/${agent.id}`, adminHeaders, { name: 'Changed', role: 'auditor', customerIds: [customer.id] })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { name: 'Changed', role: 'auditor', customerIds: [customer.id], email: 'changer@supplier.example' })
  t.match(await agentPrincipal(em(), agent.id), { name: 'Changed', actor: { role: 'auditor', customerIds: [customer.id] } })
  const [entry] = await em().find(AuditEntry, { targetType: 'agent', targetId: agent.id, action: 'agent.update' })
  t.match(entry, { actor: 'bootstrap-admin', before: { name: 'Changer', role: 'support', customerIds: null }, after: { name: 'Changed', role: 'auditor', customerIds: [customer.id] } })
  const back = await call(app, 'PATCH', `/api/agents/${agent.id}`, adminHeaders, { customerIds: null })
  t.equal(back.json().customerIds, null, 'null gives every customer back')
  t.equal((await call(app, 'PATCH', `/api/agents/${agent.id}`, adminHeaders, { customerIds: ['00000000-0000-4000-8000-000000000000'] })).statusCode, 400)
})

t.test('GET /api/agents/:id shows one agent', async (t) => {
  const agent = await createAgent({ email: 'one@supplier.example', name: 'One', role: 'auditor' })
  const res = await call(app, 'GET', `/api/agents/${agent.id}`, adminHeaders)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: agent.id, email: 'one@supplier.example', hasPassword: false })
})
