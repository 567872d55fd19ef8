import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildTestApp, usingPostgres, type TestApp, type TestLike } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'
import { returnCart, startedSession } from '../helpers/punchout.ts'
import { receiver, type Receiver } from '../helpers/receiver.ts'
import { statementsOf } from '../helpers/statements.ts'

/**
 * Orders handed to an external storefront through the outbox (docs/operations.md, "The outbox"):
 * an order answered 200 is kept and delivered later, also across a restart, exactly once.
 */

const ORDER_TOKEN = 'storefront-order-token-0123456789'
const METRICS_TOKEN = 'metrics-token-0123456789abcdef'

async function gateway(t: TestLike, storefront: Receiver, env: Record<string, string> = {}): Promise<TestApp> {
  const app = await buildTestApp(t, { STOREFRONT_ORDER_URL: `${storefront.origin}/orders`, STOREFRONT_ORDER_TOKEN: ORDER_TOKEN, METRICS_TOKEN, ...env })
  return app
}

async function buyer(app: TestApp): Promise<{ id: string }> {
  const customer = await createCustomer(app.app)
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  return customer
}

const order = async (app: TestApp, payloadID: string, orderID: string, aux?: string) =>
  cxmlAnswer((await postCxml(app.app, orderRequest({ payloadID, orderID, lines: [{ sku: 'A-1', quantity: '2', unitPrice: '3.50', ...(aux ? { aux } : {}) }] }))).body).code

const orderDetail = async (app: TestApp, payloadID: string) => {
  const [listed] = (await app.app.inject({ method: 'GET', url: `/api/orders?payloadID=${encodeURIComponent(payloadID)}`, headers: adminHeaders })).json()
  return (await app.app.inject({ method: 'GET', url: `/api/orders/${listed.id}`, headers: adminHeaders })).json()
}

const pendingGauge = async (app: TestApp): Promise<number> => {
  const text = (await app.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body
  return Number(/^punchgate_outbox_pending (\d+)$/m.exec(text)![1])
}

t.test('storefront down: the order is answered 200, kept, and delivered when the storefront comes up', async (t) => {
  const storefront = await receiver(t)
  const app = await gateway(t, storefront)
  await buyer(app)
  const { sid } = await startedSession(app.app)
  await returnCart(app.app, sid, [{ sku: 'A-1', quantity: 2, unitPrice: 3.5, currency: 'EUR', description: 'Pen', unitOfMeasure: 'EA' }], 'application/json')
  t.equal(await order(app, 'down-1@buyer', 'DOWN-1', `${sid}/1`), 200)

  t.equal(await app.outbox.worker.runOnce(), 1, 'one attempt, refused by the closed port')
  let detail = await orderDetail(app, 'down-1@buyer')
  t.match(detail.messages, [{ kind: 'storefront.order', state: 'pending', attempts: 1, lastError: /ECONNREFUSED/, deliveredAt: null }])
  t.equal(await pendingGauge(app), 1, 'punchgate_outbox_pending counts it')
  t.equal(await app.outbox.worker.runOnce(), 0, 'not due again before its backoff')

  await storefront.up()
  app.clock.advance(3600)
  t.equal(await app.outbox.worker.runOnce(), 1)
  detail = await orderDetail(app, 'down-1@buyer')
  t.match(detail.messages, [{ state: 'delivered', attempts: 2, lastStatus: 200, deliveredAt: app.clock.now.toISOString() }])
  t.equal(await pendingGauge(app), 0)

  t.equal(storefront.received.length, 1)
  const [delivery] = storefront.received
  t.equal(delivery!.url, '/orders')
  t.equal(delivery!.headers.authorization, `Bearer ${ORDER_TOKEN}`)
  t.equal(delivery!.headers['idempotency-key'], detail.messages[0].id)
  t.match(JSON.parse(delivery!.body), {
    event: 'order.received',
    order: { id: detail.id, orderID: 'DOWN-1', payloadID: 'down-1@buyer', type: 'new', total: '7.00' },
    lines: [{ position: 1, sku: 'A-1', quantity: '2', unitPrice: '3.50', auxiliaryId: `${sid}/1` }],
    customer: { id: detail.customerId },
    session: { id: sid, protocol: 'cxml' },
  })
  t.equal(await app.outbox.worker.runOnce(), 0, 'a delivered message is not sent again')
})

t.test('a repeated OrderRequest queues nothing new; the hand-off adds no statement to the intake', async (t) => {
  const storefront = await receiver(t)
  await storefront.up()
  const app = await gateway(t, storefront)
  await buyer(app)
  const sql = await statementsOf(app, async () => t.equal(await order(app, 'budget@buyer', 'BUDGET-1'), 200))
  t.equal(sql.length, 4, sql.join('\n'))
  t.equal(await order(app, 'budget@buyer', 'BUDGET-1'), 200)
  t.equal(await app.outbox.worker.runOnce(), 1)
  t.equal(storefront.received.length, 1)
})

t.test('a storefront that keeps failing: dead after OUTBOX_MAX_ATTEMPTS, visible in the API', async (t) => {
  const storefront = await receiver(t)
  await storefront.up()
  storefront.answer = { status: 500, contentType: 'text/plain', body: 'boom' }
  const app = await gateway(t, storefront, { OUTBOX_MAX_ATTEMPTS: '3' })
  await buyer(app)
  t.equal(await order(app, 'dead-1@buyer', 'DEAD-1'), 200)
  for (let i = 0; i < 5; i++) {
    await app.outbox.worker.runOnce()
    app.clock.advance(24 * 3600)
  }
  t.equal(storefront.received.length, 3, 'three attempts, then no more')
  const detail = await orderDetail(app, 'dead-1@buyer')
  t.match(detail.messages, [{ state: 'dead', attempts: 3, lastStatus: 500, lastError: 'HTTP 500', nextAttemptAt: null, deliveredAt: null }])
  t.equal(await pendingGauge(app), 0, 'a dead message no longer waits')
})

t.test('a listening gateway delivers on its own, and stops delivering when it closes', async (t) => {
  const storefront = await receiver(t)
  await storefront.up()
  const app = await gateway(t, storefront, { OUTBOX_POLL_INTERVAL_MS: '20' })
  await buyer(app)
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  t.equal(await order(app, 'listening-1@buyer', 'LISTENING-1'), 200)
  while (storefront.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
  t.match(JSON.parse(storefront.received[0]!.body), { order: { orderID: 'LISTENING-1' } })
  await app.app.close()
  t.notOk(app.outbox.schedule.scheduled, 'no run is left waiting')
})

t.test('the built-in storefront keeps orders: nothing is queued', async (t) => {
  const app = await buildTestApp(t)
  await buyer(app)
  t.equal(await order(app, 'builtin-1@buyer', 'BUILTIN-1'), 200)
  t.same((await orderDetail(app, 'builtin-1@buyer')).messages, [])
  t.equal(await app.outbox.worker.runOnce(), 0)
})

t.test('across a restart: accepted while the storefront is down, delivered exactly once by the next gateway', async (t) => {
  const storefront = await receiver(t)
  const dataDir = usingPostgres() ? undefined : mkdtempSync(path.join(tmpdir(), 'punchgate-outbox-'))
  if (dataDir) t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const first = await gateway(t, storefront, dataDir ? { DATA_DIR: dataDir } : {})
  await buyer(first)
  t.equal(await order(first, 'restart-1@buyer', 'RESTART-1'), 200)
  await first.outbox.worker.runOnce()
  const database = first.deps.config.databaseUrl
  await first.app.close()

  await storefront.up()
  await t.test('the next gateway on the same database', async (t) => {
    const second = await gateway(t, storefront, dataDir ? { DATA_DIR: dataDir } : { DATABASE_URL: database! })
    t.equal(await second.outbox.worker.runOnce(), 0, 'not due before its backoff')
    second.clock.advance(3600)
    const [one, two] = await Promise.all([second.outbox.worker.runOnce(), second.outbox.worker.runOnce()])
    t.equal(one + two, 1, 'two concurrent runs claim it once')
    t.equal(await second.outbox.worker.runOnce(), 0)
    t.equal(storefront.received.length, 1, 'delivered exactly once')
    t.match(JSON.parse(storefront.received[0]!.body), { order: { orderID: 'RESTART-1' } })
    t.match((await orderDetail(second, 'restart-1@buyer')).messages, [{ state: 'delivered', attempts: 2 }])
  })
})
