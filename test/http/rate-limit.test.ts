import { Redis } from 'ioredis'
import t from 'tap'
import { loadConfig } from '../../src/config/index.ts'
import { JournalEntry } from '../../src/persistence/entities/index.ts'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { REDIS_URL, closedPort, redisPrefix, redisRelay } from '../helpers/redis.ts'
import { ConsoleBrowser, createAgent } from '../console/console-helpers.ts'

/** Limits high enough not to matter, except those a test names. */
const limits = (tight: Record<string, string>, redis?: { url: string; prefix: string }) => ({
  RATE_LIMITS: 'on',
  RATE_LIMIT_PUNCHOUT_PER_CREDENTIAL: '1000',
  RATE_LIMIT_PUNCHOUT_PER_ADDRESS: '1000',
  RATE_LIMIT_START_PER_ADDRESS: '1000',
  RATE_LIMIT_API_PER_ADDRESS: '1000',
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: '1000',
  ...(redis ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix } : {}),
  ...tight,
})

async function withBuyers(app: TestApp['app']) {
  for (const identity of ['AN-BUYER-1', 'AN-BUYER-2']) {
    const customer = await createCustomer(app)
    await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity, sharedSecret: 's3cret-shared' })
  }
}

const setupAs = (app: TestApp['app'], identity: string, secret = 's3cret-shared') =>
  postCxml(app, setupRequest({ from: [['NetworkID', identity]], secret }))

/** Redis for the console's failed sign-ins alone: rate limits stay off, as buildTestApp has them. */
const signInRedis = (redis: { url: string; prefix: string }) => ({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.prefix })

const waitForLog = async (logs: string[], text: string) => {
  while (!logs.some((l) => l.includes(text))) await new Promise((resolve) => setTimeout(resolve, 100))
}

const listCustomers = (app: TestApp['app']) => app.inject({ method: 'GET', url: '/api/customers', headers: adminHeaders })

t.test('F7 rate-limit-per-tenant: past its limit one credential gets a cXML 429 with Retry-After; other tenants are unaffected', async (t) => {
  const { app, db } = await buildTestApp(t, limits({ RATE_LIMIT_PUNCHOUT_PER_CREDENTIAL: '3' }))
  await withBuyers(app)
  for (let i = 0; i < 3; i++) t.equal((await setupAs(app, 'AN-BUYER-1')).statusCode, 200)
  const refused = await setupAs(app, 'AN-BUYER-1')
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^text\/xml/)
  t.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60, 'Retry-After in seconds, within the window')
  const status = cxmlAnswer(refused.body)
  t.equal(status.code, 429)
  t.equal(status.text, 'Too Many Requests')
  t.match(status.detail, /with this customer credential: the limit is 3 per 60 seconds\. Retry after \d+ seconds.*PG_ERR_RATE_LIMITED; reference/)
  t.equal((await setupAs(app, 'AN-BUYER-2')).statusCode, 200, 'another tenant still gets in')
  // A stranger who knows the identity but not the secret counts apart: the buyer's limit is not theirs to spend.
  t.equal((await setupAs(app, 'AN-BUYER-2', 'guessed-secret')).statusCode, 401)

  const row = await db.orm.em.fork().findOneOrFail(JournalEntry, { httpStatus: 429 })
  t.match(row, { channel: 'cxml', outcome: 'refused', errorCode: 'PG_ERR_RATE_LIMITED', protocolStatus: 429, requestBody: null })
})

t.test('OCI: the limit per USERNAME answers the browser with a page', async (t) => {
  const { app } = await buildTestApp(t, limits({ RATE_LIMIT_PUNCHOUT_PER_CREDENTIAL: '1' }))
  const login = (username: string) => app.inject({ method: 'GET', url: `/punchout/oci?USERNAME=${username}&PASSWORD=pw&HOOK_URL=https://buyer.example.com/hook` })
  t.equal((await login('BUYER1')).statusCode, 401)
  const refused = await login('BUYER1')
  t.equal(refused.statusCode, 429)
  t.match(refused.headers['content-type'], /^text\/html/)
  t.ok(refused.headers['retry-after'])
  t.match(refused.body, /Too many requests/)
  t.equal((await login('BUYER2')).statusCode, 401, 'another USERNAME is counted apart')
})

t.test('per client address: start links, with X-Forwarded-For trusted only from TRUST_PROXY', async (t) => {
  t.test('without a trusted proxy, a forged X-Forwarded-For does not make a new address', async (t) => {
    const { app } = await buildTestApp(t, limits({ RATE_LIMIT_START_PER_ADDRESS: '2' }))
    const open = (headers: Record<string, string> = {}, remoteAddress = '203.0.113.7') =>
      app.inject({ method: 'GET', url: '/punchout/start/unknown-link', headers, remoteAddress })
    t.equal((await open()).statusCode, 404)
    t.equal((await open({ 'x-forwarded-for': '198.51.100.1' })).statusCode, 404)
    const refused = await open({ 'x-forwarded-for': '198.51.100.2' })
    t.equal(refused.statusCode, 429)
    t.match(refused.headers['content-type'], /^text\/html/)
    t.match(refused.body, /from this address/)
    t.equal((await open({}, '203.0.113.8')).statusCode, 404, 'another address is counted apart')
  })
  t.test('behind a trusted proxy, each forwarded client counts on its own', async (t) => {
    const { app } = await buildTestApp(t, limits({ RATE_LIMIT_START_PER_ADDRESS: '1', TRUST_PROXY: '10.0.0.0/8' }))
    const open = (client: string) =>
      app.inject({ method: 'GET', url: '/punchout/start/unknown-link', headers: { 'x-forwarded-for': client }, remoteAddress: '10.0.0.2' })
    t.equal((await open('198.51.100.1')).statusCode, 404)
    t.equal((await open('198.51.100.2')).statusCode, 404)
    t.equal((await open('198.51.100.1')).statusCode, 429)
  })
})

t.test('the admin API answers JSON in the error registry shape', async (t) => {
  const { app } = await buildTestApp(t, limits({ RATE_LIMIT_API_PER_ADDRESS: '1' }))
  t.equal((await listCustomers(app)).statusCode, 200)
  const refused = await listCustomers(app)
  t.equal(refused.statusCode, 429)
  t.ok(refused.headers['retry-after'])
  t.match(refused.json(), { code: 'PG_ERR_RATE_LIMITED', message: /from this address/, reference: String })
})

t.test('the console sign-in has a limit of its own', async (t) => {
  const { app } = await buildTestApp(t, limits({ RATE_LIMIT_SIGN_IN_PER_ADDRESS: '1' }))
  const signIn = () => app.inject({ method: 'POST', url: '/console/sign-in', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a%40b.example&password=x' })
  t.not((await signIn()).statusCode, 429)
  const refused = await signIn()
  t.equal(refused.statusCode, 429)
  t.ok(refused.headers['retry-after'])
})

t.test('limits are shared between two gateways through Redis', async (t) => {
  const redis = { url: REDIS_URL, prefix: redisPrefix() }
  const one = await buildTestApp(t, limits({ RATE_LIMIT_API_PER_ADDRESS: '3' }, redis))
  const two = await buildTestApp(t, limits({ RATE_LIMIT_API_PER_ADDRESS: '3' }, redis))
  t.equal((await listCustomers(one.app)).statusCode, 200)
  t.equal((await listCustomers(two.app)).statusCode, 200)
  t.equal((await listCustomers(one.app)).statusCode, 200)
  t.equal((await listCustomers(two.app)).statusCode, 429, 'the fourth request, on the other gateway, is over the shared limit')
})

t.test('G8 redis-down', async (t) => {
  t.test('Redis unreachable from the start: requests keep flowing, limited in each process, logged once', async (t) => {
    const redis = { url: `redis://127.0.0.1:${await closedPort()}`, prefix: redisPrefix() }
    const { app, logs } = await buildTestApp(t, limits({ RATE_LIMIT_API_PER_ADDRESS: '5' }, redis))
    const answers = []
    for (let i = 0; i < 7; i++) answers.push((await listCustomers(app)).statusCode)
    t.same(answers, [200, 200, 200, 200, 200, 429, 429], 'answered, and still limited (by the local counters)')
    t.equal(logs.filter((l) => l.includes('Redis unavailable:')).length, 1)
  })

  t.test('Redis going away mid-way: the next requests are answered and counted locally', async (t) => {
    const relay = await redisRelay()
    t.teardown(() => relay.stop())
    const redis = { url: relay.url, prefix: redisPrefix() }
    const one = await buildTestApp(t, limits({ RATE_LIMIT_API_PER_ADDRESS: '4' }, redis))
    const two = await buildTestApp(t, limits({ RATE_LIMIT_API_PER_ADDRESS: '4' }, redis))
    t.equal((await listCustomers(one.app)).statusCode, 200)
    t.equal((await listCustomers(two.app)).statusCode, 200)
    t.equal((await listCustomers(one.app)).statusCode, 200, 'three counted in Redis')
    await relay.stop()
    const after = []
    for (let i = 0; i < 5; i++) after.push((await listCustomers(one.app)).statusCode)
    // Locally this process starts a fresh window: four more pass, the fifth is limited.
    t.same(after, [200, 200, 200, 200, 429])
    t.equal(one.logs.filter((l) => l.includes('Redis unavailable:')).length, 1)

    // Back: the counters are Redis's again, which still holds the three from before the outage
    // (the local window, already over its limit, would refuse the next request).
    await relay.restart()
    while (!one.logs.some((l) => l.includes('Redis reachable again'))) await new Promise((resolve) => setTimeout(resolve, 100))
    t.equal((await listCustomers(one.app)).statusCode, 200, 'the fourth in Redis')
    t.equal((await listCustomers(one.app)).statusCode, 429, 'the fifth in Redis')
  })

  t.test('Redis unreachable: the console sign-in fails closed with a 503 page and Retry-After, even for the right password', async (t) => {
    const { app, logs } = await buildTestApp(t, signInRedis({ url: `redis://127.0.0.1:${await closedPort()}`, prefix: redisPrefix() }))
    const agent = await createAgent(app, { role: 'admin' })
    const browser = new ConsoleBrowser(app)
    const refused = await browser.signIn(agent.email, agent.password)
    t.equal(refused.statusCode, 503)
    t.equal(refused.headers['retry-after'], '5')
    t.match(refused.headers['content-type'], /^text\/html/)
    t.match(refused.body, /Signing in to the console is paused: the store that counts failed sign-ins \(Redis\) cannot be reached/)
    t.match(refused.body, '<code>PG_ERR_SIGN_IN_UNAVAILABLE</code>')
    t.equal((await browser.get('/console')).statusCode, 303, 'no session was opened')
    t.ok(logs.some((l) => l.includes('"code":"PG_ERR_SIGN_IN_UNAVAILABLE"')), 'logged like every console refusal')
  })

  t.test('Redis going away mid-way: sign-ins are refused while it is gone and open again when it is back', async (t) => {
    const relay = await redisRelay()
    t.teardown(() => relay.stop())
    const { app, logs } = await buildTestApp(t, signInRedis({ url: relay.url, prefix: redisPrefix() }))
    const agent = await createAgent(app, { role: 'support' })
    t.equal((await new ConsoleBrowser(app).signIn(agent.email, agent.password)).statusCode, 303)
    await relay.stop()
    t.equal((await new ConsoleBrowser(app).signIn(agent.email, agent.password)).statusCode, 503)
    await waitForLog(logs, 'Redis unavailable:')
    await relay.restart()
    await waitForLog(logs, 'Redis reachable again')
    t.equal((await new ConsoleBrowser(app).signIn(agent.email, agent.password)).statusCode, 303)
  })
})

t.test('failed console sign-ins are counted for all gateways sharing Redis, under keyed hashes', async (t) => {
  const redis = { url: REDIS_URL, prefix: redisPrefix() }
  const one = await buildTestApp(t, signInRedis(redis))
  const two = await buildTestApp(t, signInRedis(redis))
  const agent = await createAgent(one.app, { role: 'admin' })
  for (const gateway of [one, two, one, two, one]) {
    t.equal((await new ConsoleBrowser(gateway.app).signIn(agent.email, 'a wrong password')).statusCode, 401)
  }
  const blocked = await new ConsoleBrowser(one.app).signIn(agent.email, agent.password)
  t.equal(blocked.statusCode, 429, 'five failures across both gateways: this one counted only three itself')
  t.match(blocked.body, /Too many failed sign-ins for this e-mail\. Try again in 15 minutes\./)
  const client = new Redis(REDIS_URL)
  t.teardown(() => client.disconnect())
  const keys = await client.keys(`${redis.prefix}*`)
  t.equal(keys.length, 1)
  t.match(keys[0], /^punchgate-test:[0-9a-f]+:sign-in:[\w-]{43}$/, 'no e-mail or address in the key')

  one.clock.advance(15 * 60)
  t.equal((await new ConsoleBrowser(one.app).signIn(agent.email, agent.password)).statusCode, 303, 'the window ends by the gateway clock')
})

t.test('rate limits can be switched off (RATE_LIMITS=off)', async (t) => {
  const { app } = await buildTestApp(t, limits({ RATE_LIMITS: 'off', RATE_LIMIT_API_PER_ADDRESS: '1' }))
  t.equal((await listCustomers(app)).statusCode, 200)
  t.equal((await listCustomers(app)).statusCode, 200)
})

t.test('the limits are configured by environment, validated like every variable', async (t) => {
  t.match(loadConfig({}), { redisUrl: undefined, redisKeyPrefix: 'punchgate:', rateLimits: { enabled: true, windowSeconds: 60, punchoutPerCredential: 600, punchoutPerAddress: 1200, startPerAddress: 120, apiPerAddress: 600, signInPerAddress: 20 } })
  t.match(loadConfig({ REDIS_URL: 'rediss://cache.internal:6380', RATE_LIMIT_START_PER_ADDRESS: '30' }), { redisUrl: 'rediss://cache.internal:6380', rateLimits: { startPerAddress: 30 } })
  for (const [env, name] of [[{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL/], [{ RATE_LIMIT_API_PER_ADDRESS: '0' }, /RATE_LIMIT_API_PER_ADDRESS/], [{ RATE_LIMITS: 'maybe' }, /RATE_LIMITS/]] as const) {
    t.throws(() => loadConfig(env), name)
  }
})
