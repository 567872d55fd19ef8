import { randomBytes } from 'node:crypto'
import pg from 'pg'
import t from 'tap'
import { freePort, spawnNode, waitReady, type Child } from '../../bench/processes.ts'
import { migrationsList } from '../../src/persistence/migrations/index.ts'
import { usingPostgres } from '../helpers/app.ts'
import { cxmlAnswer, setupRequest } from '../helpers/fixtures.ts'
import { REDIS_URL, redisPrefix } from '../helpers/redis.ts'

/**
 * Two gateway processes, started the way the Dockerfile starts one, sharing one PostgreSQL
 * database and one Redis: the replica topology of docker-compose.yml, on loopback.
 */
const ADMIN_TOKEN = `scale_admin_${randomBytes(12).toString('hex')}`
const STOREFRONT_TOKEN = `scale_store_${randomBytes(12).toString('hex')}`
const PER_CREDENTIAL = 4

t.test('scale-out: two gateway processes share PostgreSQL and Redis', { skip: !usingPostgres() && 'PostgreSQL only: the embedded database belongs to one process' }, async (t) => {
  const databaseUrl = await freshDatabase(t)
  const env = {
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: 'https://punchout.test',
    LOG_LEVEL: 'warn',
    PUNCHGATE_SECRET_KEY: randomBytes(32).toString('base64url'),
    PUNCHGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    PUNCHGATE_STOREFRONT_TOKEN: STOREFRONT_TOKEN,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix(),
    RATE_LIMIT_PUNCHOUT_PER_CREDENTIAL: String(PER_CREDENTIAL),
    RETENTION_INTERVAL_SECONDS: '0',
  }
  // Both at once, on a database with every migration pending.
  const gateways = [await spawnGateway('gateway-1', env), await spawnGateway('gateway-2', env)]
  t.teardown(() => Promise.all(gateways.map((g) => g.stop())))
  await Promise.all(gateways.map((g) => waitReady(g, '/readyz')))
  const [one, two] = gateways as [Child, Child]

  t.test('migrations at simultaneous start-up do not collide: both are ready, each migration applied once', async (t) => {
    const rows = await query<{ name: string }>(databaseUrl, 'select name from punchgate_migrations')
    t.equal(rows.length, migrationsList.length)
    t.equal(new Set(rows.map((r) => r.name)).size, rows.length)
  })

  const customer = await call(one, 'POST', '/api/customers', { name: 'Scale Corp', slug: 'scale-corp', returnUrlHosts: ['buyer.example.com'] })
  const { id } = (await customer.json()) as { id: string }
  for (const identity of ['AN-SCALE-1', 'AN-SCALE-2']) {
    await call(two, 'POST', `/api/customers/${id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity, sharedSecret: 'scale-secret' })
  }
  const setup = async (gateway: Child, identity = 'AN-SCALE-1') => {
    const res = await fetch(`${gateway.url}/punchout/cxml`, {
      method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: setupRequest({ from: [['NetworkID', identity]], secret: 'scale-secret' }),
    })
    return { status: res.status, answer: cxmlAnswer(await res.text()) }
  }
  const startPath = async (gateway: Child) => new URL((await setup(gateway)).answer.startPage!).pathname
  const open = (gateway: Child, path: string) => fetch(`${gateway.url}${path}`, { redirect: 'manual' })

  t.test('a session set up on one gateway is started and returns its cart on the other', async (t) => {
    const started = await open(two, await startPath(one))
    t.equal(started.status, 302)
    const assertion = new URL(started.headers.get('location')!).searchParams.get('assertion')!
    const { sid } = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8')) as { sid: string }
    const cart = await call(two, 'POST', `/punchout/sessions/${sid}/cart`, {
      items: [{ sku: 'GLV-NIT-L', quantity: 2, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, size L', unitOfMeasure: 'BX' }],
    }, STOREFRONT_TOKEN)
    t.equal(cart.status, 200)
    t.match(await cart.text(), /<form method="post" action="https:\/\/buyer\.example\.com\/punchout\/return/)
  })

  t.test('a start link used on one gateway is refused on the other', async (t) => {
    const path = await startPath(two)
    t.equal((await open(one, path)).status, 302)
    const again = await open(two, path)
    t.equal(again.status, 410)
    t.match(await again.text(), /already used/)
  })

  t.test('rate limits are shared: the credential limit counts requests on both gateways', async (t) => {
    const statuses = []
    for (let i = 0; i < PER_CREDENTIAL; i++) statuses.push((await setup(i % 2 === 0 ? one : two, 'AN-SCALE-2')).status)
    t.same(statuses, Array(PER_CREDENTIAL).fill(200))
    const refused = await setup(one, 'AN-SCALE-2')
    t.equal(refused.status, 429)
    t.equal(refused.answer.code, 429)
  })
})

async function spawnGateway(name: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  return spawnNode(name, url, ['--import', 'tsx', 'src/server.ts'], { ...env, PORT: String(port), HOST: '127.0.0.1' })
}

function call(gateway: Child, method: string, path: string, body: unknown, token = ADMIN_TOKEN): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then((res) => {
    if (res.status >= 300 && path.startsWith('/api/')) throw new Error(`${method} ${path}: ${res.status}`)
    return res
  })
}

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text)).rows as T[]
  } finally {
    await client.end()
  }
}

/** An empty database of its own on the test server, dropped afterwards. */
async function freshDatabase(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const server = process.env.TEST_DATABASE_URL!
  const name = `punchgate_scale_${randomBytes(6).toString('hex')}`
  await query(server, `create database ${name}`)
  t.teardown(() => query(server, `drop database if exists ${name} with (force)`))
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.href
}
