import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { adminHeaders } from '../helpers/fixtures.ts'
import { ConsoleBrowser, createAgent, PASSWORD } from './console-helpers.ts'

/**
 * Signing in to the console (docs/console.md, "Signing in"): agent e-mail and password, a
 * session cookie MAC'd with the gateway key, re-checked against the account on every request.
 */
const gateway = await buildTestApp(t)
const { app } = gateway

t.test('an anonymous visit is sent to the sign-in form, which remembers where it was going', async (t) => {
  const browser = new ConsoleBrowser(app)
  const res = await browser.get('/console/customers?x=1')
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/console/sign-in?next=%2Fconsole%2Fcustomers%3Fx%3D1')
  const form = await browser.get(res.headers.location as string)
  t.equal(form.statusCode, 200)
  t.match(form.body, '<input type="hidden" name="next" value="/console/customers?x=1">')
  t.match(form.body, /name="_csrf" value="[\w-]{43}"/, 'the sign-in form has its own CSRF token')
  t.notMatch(form.body, /Sign out/)
})

t.test('a wrong password is refused: the form again, the e-mail kept, no signed-in session', async (t) => {
  const agent = await createAgent(app, { role: 'support' })
  const browser = new ConsoleBrowser(app)
  const res = await browser.signIn(agent.email, 'wrong password, wrong')
  t.equal(res.statusCode, 401)
  t.match(res.body, 'id="sign-in-error"')
  t.match(res.body, 'The e-mail or password is wrong, or the account is disabled.')
  t.match(res.body, `value="${agent.email}"`)
  t.equal((await browser.get('/console')).statusCode, 303, 'still not signed in')
  const unknown = await browser.signIn('nobody@supplier.example', PASSWORD)
  t.equal(unknown.statusCode, 401, 'an unknown e-mail gets the same answer')
  t.match(unknown.body, 'The e-mail or password is wrong, or the account is disabled.')
})

t.test('a disabled agent cannot sign in, and a signed-in agent is out as soon as the account is disabled', async (t) => {
  const agent = await createAgent(app, { role: 'support' })
  const browser = new ConsoleBrowser(app)
  t.equal((await browser.signIn(agent.email, agent.password)).statusCode, 303)
  t.equal((await browser.get('/console')).statusCode, 200)
  const disable = await app.inject({ method: 'PATCH', url: `/api/agents/${agent.id}`, headers: adminHeaders, payload: { disabled: true } })
  t.equal(disable.statusCode, 200)
  const next = await browser.get('/console')
  t.equal(next.statusCode, 303, 'the next request of the open session is refused')
  t.match(next.headers.location, /^\/console\/sign-in/)
  const again = await new ConsoleBrowser(app).signIn(agent.email, agent.password)
  t.equal(again.statusCode, 401)
})

t.test('success: a new session cookie (HttpOnly, Secure, SameSite=Lax, __Host- over https), then the page asked for', async (t) => {
  const agent = await createAgent(app, { role: 'auditor', name: 'Ann Auditor' })
  const browser = new ConsoleBrowser(app)
  await browser.get('/console/sign-in')
  const anonymous = browser.cookies.get('__Host-punchgate-console')
  t.ok(anonymous, 'the sign-in form set its own session')
  const res = await browser.post('/console/sign-in', { email: agent.email.toUpperCase(), password: agent.password, next: '/console/roles' })
  t.equal(res.statusCode, 303)
  t.equal(res.headers.location, '/console/roles')
  const cookie = String(res.headers['set-cookie'])
  t.match(cookie, /^__Host-punchgate-console=[^;]+; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=28800$/)
  t.not(browser.cookies.get('__Host-punchgate-console'), anonymous, 'a fresh session id at sign-in')
  const home = await browser.get('/console')
  t.equal(home.statusCode, 200)
  t.match(home.body, 'Ann Auditor · auditor')
  t.equal((await browser.get('/console/sign-in')).headers.location, '/console', 'the sign-in form sends a signed-in agent home')
})

t.test('only a console path may follow the sign-in', async (t) => {
  const agent = await createAgent(app, { role: 'support' })
  for (const next of ['https://evil.example/', '//evil.example/console', '/console\\@evil.example', '/consolex', '/api/customers']) {
    const browser = new ConsoleBrowser(app)
    await browser.get('/console/sign-in')
    const res = await browser.post('/console/sign-in', { email: agent.email, password: agent.password, next })
    t.equal(res.headers.location, '/console', next)
  }
})

t.test('sign-out ends the session, also for a copy of its cookie', async (t) => {
  const agent = await createAgent(app, { role: 'support' })
  const browser = new ConsoleBrowser(app)
  await browser.signIn(agent.email, agent.password)
  await browser.get('/console')
  const copy = new Map(browser.cookies)
  const out = await browser.post('/console/sign-out', {})
  t.equal(out.statusCode, 303)
  t.equal(out.headers.location, '/console/sign-in')
  t.match(String(out.headers['set-cookie']), /Max-Age=0/)
  t.equal(browser.cookies.size, 0)
  const replay = new ConsoleBrowser(app)
  copy.forEach((v, k) => replay.cookies.set(k, v))
  t.equal((await replay.get('/console')).statusCode, 303, 'the old cookie no longer signs anyone in')
})

t.test('a cookie that is forged, altered or expired signs no one in', async (t) => {
  const agent = await createAgent(app, { role: 'admin' })
  const browser = new ConsoleBrowser(app)
  await browser.signIn(agent.email, agent.password)
  const value = browser.cookies.get('__Host-punchgate-console')!
  const [id, sid, exp, mac] = value.split('.')
  const other = await createAgent(app, { role: 'admin' })
  for (const forged of [`${other.id}.${sid}.${exp}.${mac}`, `${id}.${sid}.${Number(exp) + 3600}.${mac}`, `${id}.${sid}.${exp}.${'A'.repeat(43)}`, `${id}.${sid}.${exp}`]) {
    const b = new ConsoleBrowser(app)
    b.cookies.set('__Host-punchgate-console', forged)
    t.equal((await b.get('/console')).statusCode, 303, forged)
  }
  t.equal((await browser.get('/console')).statusCode, 200)
  gateway.clock.advance(8 * 3600 + 1)
  t.equal((await browser.get('/console')).statusCode, 303, 'expired after 8 hours')
})

t.test('repeated failures for one e-mail are slowed down', async (t) => {
  const agent = await createAgent(app, { role: 'support' })
  const browser = new ConsoleBrowser(app)
  for (let i = 0; i < 5; i++) t.equal((await browser.signIn(agent.email, `wrong password ${i}`)).statusCode, 401)
  const blocked = await browser.signIn(agent.email, agent.password)
  t.equal(blocked.statusCode, 429, 'even the right password waits')
  t.match(blocked.body, /Too many failed sign-ins for this e-mail\. Try again in 15 minutes\./)
  gateway.clock.advance(15 * 60)
  t.equal((await browser.signIn(agent.email, agent.password)).statusCode, 303)
})
