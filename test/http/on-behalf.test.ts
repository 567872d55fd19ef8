import t from 'tap'
import { AuditEntry, BuyerUser, JournalEntry, Order, OrderLine, PreparedCart, PunchoutSession, SessionEvent } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { adminHeaders } from '../helpers/fixtures.ts'
import { seedCatalog, startedSession } from '../helpers/punchout.ts'
import { enterShop } from '../helpers/shop.ts'
import { statementsOf } from '../helpers/statements.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { call, customerWithBuyer, tokenFor, type Headers } from './api/accounts-helpers.ts'

/** Order on behalf (docs/api.md, "Order on behalf"; docs/storefront.md, "Order on behalf"). */

const claimsOf = (assertion: string) => JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8'))

t.test('order on behalf', async (t) => {
  const app = await buildTestApp(t)
  await seedCatalog(app.db.orm.em.fork())
  const support = await tokenFor(app, 'support')
  const em = () => app.db.orm.em.fork()

  /** A buyer who punched out once, with their default role mapped as given. */
  async function buyer(role: { permissions?: string[]; spendLimit?: number | null } = {}) {
    const b = await customerWithBuyer(app)
    if (role.permissions || role.spendLimit !== undefined) {
      const permissions = role.permissions ?? ['browse', 'view_contract_prices', 'add_to_cart', 'return_cart']
      const res = await call(app, 'PUT', `/api/customers/${b.customer.id}/roles/buyer`, adminHeaders, { permissions, spendLimit: role.spendLimit ?? null })
      if (res.statusCode !== 200) throw new Error(`role: ${res.statusCode} ${res.body}`)
    }
    return b
  }

  const actFor = (userId: string, headers: Headers = support.headers, body: Record<string, unknown> = {}) =>
    call(app, 'POST', '/api/on-behalf', headers, { userId, reason: 'Buyer cannot find the gloves', ...body })

  /** The agent's browser: the start link, the storefront sign-in, the shop page. */
  async function agentShop(userId: string, body: Record<string, unknown> = {}) {
    const res = await actFor(userId, support.headers, body)
    if (res.statusCode !== 201) throw new Error(`on-behalf: ${res.statusCode} ${res.body}`)
    const started = res.json() as { sessionId: string; startUrl: string; expiresAt: string }
    const start = await app.app.inject({ method: 'GET', url: new URL(started.startUrl).pathname })
    const location = new URL(start.headers.location as string)
    const shop = await enterShop(app.app, `${location.pathname}${location.search}`)
    return { ...shop, ...started, claims: claimsOf(location.searchParams.get('assertion')!) }
  }

  const events = async (sessionId: string) => (await em().find(SessionEvent, { sessionId }, { orderBy: { id: 'asc' } })).map((e) => e.type)
  const audits = async (customerId: string) => (await em().find(AuditEntry, { customerId, action: { $like: 'on_behalf.%' } }, { orderBy: { id: 'asc' } }))

  t.test('the assertion carries act with the agent, the storefront a banner; a buyer session carries neither', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId)
    t.equal(agent.claims.sub, b.userId, "sub stays the buyer's")
    t.same(agent.claims.act, { sub: `token:${support.name}` })
    t.match(agent.page.body, /id="on-behalf-banner"[^>]*>Acting for [^<]+ — token:support-/)
    t.notMatch(agent.page.body, /id="return-cart"/, 'the agent does not return carts to procurement')
    const own = await startedSession(app.app, { from: b.from, extrinsics: [['UniqueName', 'someone-else'], ['UserEmail', 'else@buyer.example.com']] })
    t.notOk('act' in own.claims)
    const shop = await enterShop(app.app, own.loginPath)
    t.notMatch(shop.page.body, /on-behalf-banner/)
    const session = await em().findOneOrFail(PunchoutSession, { id: agent.sessionId })
    t.equal(session.onBehalfAgent, `token:${support.name}`)
    t.equal(session.onBehalfReason, 'Buyer cannot find the gloves')
    t.equal(session.onBehalfExpiresAt!.toISOString(), new Date(app.clock.now.getTime() + 30 * 60_000).toISOString(), 'default time box: 30 minutes')
  })

  t.test('a prepared cart is restored at the buyer\'s next punchout, with who prepared it, once', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId)
    t.equal((await agent.post('cart', 'sku=GLV-NIT-L&quantity=2')).statusCode, 303)
    const saved = await agent.post('on-behalf/prepare')
    t.equal(saved.statusCode, 303)
    const unique = (await em().findOneOrFail(BuyerUser, { id: b.userId })).uniqueName
    const extrinsics: Array<[string, string]> = [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`]]
    const next = await startedSession(app.app, { from: b.from, extrinsics })
    const shop = await enterShop(app.app, next.loginPath)
    t.match(shop.page.body, /id="prepared-by">Prepared by token:support-[^ ]+ on 2026-11-23/)
    t.match(shop.page.body, /<td>GLV-NIT-L<\/td><td>[^<]*<\/td><td>2<\/td>/, 'in the storefront cart')
    t.ok((await events(next.sid)).includes('cart.prepared_restored'))
    const prepared = await em().findOneOrFail(PreparedCart, { userId: b.userId })
    t.equal(prepared.consumedBySessionId, next.sid)
    const after = await startedSession(app.app, { from: b.from, extrinsics })
    t.notMatch((await enterShop(app.app, after.loginPath)).page.body, /prepared-by/, 'restored once, then consumed')
    t.same((await events(agent.sessionId)).filter((e) => e.startsWith('on_behalf.')), ['on_behalf.started', 'on_behalf.cart_prepared'])
    t.same((await audits(b.customer.id)).map((a) => a.action), ['on_behalf.start', 'on_behalf.cart_prepare'])
    t.equal((await audits(b.customer.id))[0]!.reason, 'Buyer cannot find the gloves')
  })

  t.test('a live replay of the buyer\'s punchout leaves the prepared cart for the buyer\'s own next one', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId)
    await agent.post('cart', 'sku=GLV-NIT-L&quantity=1')
    t.equal((await agent.post('on-behalf/prepare')).statusCode, 303)
    const replay = await call(app, 'POST', `/api/sessions/${b.sid}/replay`, support.headers, { mode: 'live', reason: 'reproduce the buyer\'s punchout' })
    t.equal(replay.statusCode, 201, replay.body)
    t.notOk((await em().findOneOrFail(PreparedCart, { userId: b.userId })).consumedAt, 'not restored into the replay')
    t.notOk((await events(replay.json().sessionId)).includes('cart.prepared_restored'))
    const unique = (await em().findOneOrFail(BuyerUser, { id: b.userId })).uniqueName
    const next = await startedSession(app.app, { from: b.from, extrinsics: [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`]] })
    t.equal((await em().findOneOrFail(PreparedCart, { userId: b.userId })).consumedBySessionId, next.sid, 'the buyer gets it')
  })

  t.test('an OCI login restores the prepared cart too', async (t) => {
    const customer = await createCustomer(app.app, { identityProfile: 'sap-oci' })
    const username = `SRM-${customer.slug}`
    await addCredential(app.app, customer.id, { protocol: 'oci', username, password: 'oci-pass-1234' })
    const params = new URLSearchParams({ USERNAME: username, PASSWORD: 'oci-pass-1234', HOOK_URL: 'https://buyer.example.com/hook', 'SY-UNAME': 'KLAUS', USER_EMAIL: 'klaus@buyer.example.com' })
    const login = async () => {
      const oci = await app.app.inject({ method: 'GET', url: `/punchout/oci?${params}` })
      const start = await app.app.inject({ method: 'GET', url: new URL(oci.headers.location as string).pathname })
      const location = new URL(start.headers.location as string)
      return enterShop(app.app, `${location.pathname}${location.search}`)
    }
    await login()
    const user = await em().findOneOrFail(BuyerUser, { customerId: customer.id })
    const agent = await agentShop(user.id)
    await agent.post('cart', 'sku=PAP-A4-80&quantity=5')
    t.equal((await agent.post('on-behalf/prepare')).statusCode, 303)
    const shop = await login()
    t.match(shop.page.body, /id="prepared-by">Prepared by token:support-/)
    t.match(shop.page.body, /<td>PAP-A4-80<\/td><td>[^<]*<\/td><td>5<\/td>/)
  })

  t.test('restoring a prepared cart adds no statement to the setup (docs/architecture.md, "Statement budgets")', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId)
    await agent.post('cart', 'sku=PEN-BLU-12&quantity=4')
    t.equal((await agent.post('on-behalf/prepare')).statusCode, 303)
    const unique = (await em().findOneOrFail(BuyerUser, { id: b.userId })).uniqueName
    const request = setupRequest({ from: b.from, extrinsics: [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`]] })
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, request)).body).code, 200))
    t.equal(sql.length, 3, sql.join('\n'))
    t.ok((await em().findOneOrFail(PreparedCart, { userId: b.userId })).consumedAt, 'consumed by that one write')
  })

  t.test('a direct order with the PO number the buyer gave is recorded as an order on behalf', async (t) => {
    const b = await buyer({ permissions: ['browse', 'add_to_cart', 'order_on_account'], spendLimit: 500 })
    const agent = await agentShop(b.userId)
    await agent.post('cart', 'sku=GLV-NIT-L&quantity=3')
    t.match((await agent.get()).body, /id="order-on-behalf"/)
    const placed = await agent.post('on-behalf/order', 'poNumber=PO-4711')
    t.equal(placed.statusCode, 200)
    t.match(placed.body, /Order PO-4711 placed/)
    t.match(placed.body, /Acting for/)
    const order = await em().findOneOrFail(Order, { customerId: b.customer.id, orderId: 'PO-4711' })
    t.equal(order.onBehalfAgent, `token:${support.name}`)
    const view = await app.app.inject({ method: 'GET', url: `/api/orders/${order.id}`, headers: adminHeaders })
    t.equal(view.json().onBehalfAgent, `token:${support.name}`, 'the order API names the agent')
    t.equal(order.sessionId, agent.sessionId)
    t.equal(order.type, 'new')
    t.ok(order.priceCheck, 'price-checked like any order')
    const lines = await em().find(OrderLine, { orderId: order.id })
    t.same(lines.map((l) => [l.sku, Number(l.quantity)]), [['GLV-NIT-L', 3]])
    const journal = await em().findOneOrFail(JournalEntry, { id: order.journalEntryId! })
    t.equal(journal.sessionId, agent.sessionId)
    t.equal((await em().findOneOrFail(PunchoutSession, { id: agent.sessionId })).status, 'ordered')
    t.ok((await events(agent.sessionId)).includes('on_behalf.order_placed'))
    t.same((await audits(b.customer.id)).map((a) => a.action), ['on_behalf.start', 'on_behalf.order'])
    const again = await agent.post('on-behalf/order', 'poNumber=PO-4712')
    t.equal(again.statusCode, 409, 'one order per on-behalf session')
  })

  t.test('the agent cannot go over the buyer\'s spend limit', async (t) => {
    const b = await buyer({ permissions: ['browse', 'add_to_cart', 'order_on_account'], spendLimit: 10 })
    const agent = await agentShop(b.userId)
    await agent.post('cart', 'sku=GLV-NIT-L&quantity=3')
    for (const [action, payload] of [['on-behalf/prepare', ''], ['on-behalf/order', 'poNumber=PO-1']] as const) {
      const res = await agent.post(action, payload)
      t.equal(res.statusCode, 403, action)
      t.match(res.body, /above the buyer&#39;s spend limit of 10/)
    }
    t.equal(await em().count(Order, { customerId: b.customer.id }), 0)
    t.equal(await em().count(PreparedCart, { userId: b.userId }), 0)
  })

  t.test('the agent cannot order when the buyer may not', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId)
    await agent.post('cart', 'sku=GLV-NIT-L&quantity=1')
    const page = (await agent.get()).body
    t.match(page, /id="prepare-cart"/)
    t.notMatch(page, /id="order-on-behalf"/)
    const res = await agent.post('on-behalf/order', 'poNumber=PO-2')
    t.equal(res.statusCode, 403)
    t.match(res.body, /do not allow them to order directly/)
    t.equal(await em().count(Order, { customerId: b.customer.id }), 0)
  })

  t.test('the time box ends the session, with its expiry recorded once', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId, { minutes: 5 })
    app.clock.advance(5 * 60 + 1)
    try {
      const page = await agent.get()
      t.equal(page.statusCode, 410)
      t.match(page.body, /time box of this on-behalf session ended/)
      t.equal((await agent.post('cart', 'sku=GLV-NIT-L&quantity=1')).statusCode, 410)
      t.equal((await events(agent.sessionId)).filter((e) => e === 'on_behalf.expired').length, 1)
      t.same((await audits(b.customer.id)).map((a) => a.action), ['on_behalf.start', 'on_behalf.expire'])
    } finally {
      app.clock.advance(-(5 * 60 + 1))
    }
  })

  t.test('switching it off ends the on-behalf sessions already running, recorded once', async (t) => {
    const b = await buyer()
    const agent = await agentShop(b.userId)
    t.equal((await agent.get()).statusCode, 200)
    await call(app, 'PATCH', `/api/customers/${b.customer.id}`, adminHeaders, { onBehalf: { allowed: false } })
    const page = await agent.get()
    t.equal(page.statusCode, 403)
    t.match(page.body, /no longer allows agents to act on behalf/)
    t.equal((await agent.post('cart', 'sku=GLV-NIT-L&quantity=1')).statusCode, 403)
    t.equal((await events(agent.sessionId)).filter((e) => e === 'on_behalf.revoked').length, 1)
    t.same((await audits(b.customer.id)).map((a) => a.action), ['on_behalf.start', 'on_behalf.revoke'])
  })

  t.test('a customer can switch it off, and caps the time box', async (t) => {
    const b = await buyer()
    const patch = (onBehalf: unknown) => call(app, 'PATCH', `/api/customers/${b.customer.id}`, adminHeaders, { onBehalf })
    t.equal((await patch({ allowed: true, maxMinutes: 15 })).json().onBehalf.maxMinutes, 15)
    const over = await actFor(b.userId, support.headers, { minutes: 20 })
    t.equal(over.statusCode, 400)
    t.match(over.json().message, /at most 15 minutes/)
    t.equal((await actFor(b.userId)).statusCode, 201, 'the default shrinks to the cap')
    await patch({ allowed: false })
    const off = await actFor(b.userId)
    t.equal(off.statusCode, 403)
    t.equal(off.json().code, 'PG_ERR_ON_BEHALF_OFF')
  })

  t.test('E5 order-on-behalf-scope: not an auditor, not outside the agent\'s customers, not without a reason, not for a disabled buyer', async (t) => {
    const b = await buyer()
    const other = await buyer()
    const auditor = await tokenFor(app, 'auditor')
    t.equal((await actFor(b.userId, auditor.headers)).statusCode, 403)
    const scoped = await tokenFor(app, 'support', [other.customer.id])
    t.equal((await actFor(b.userId, scoped.headers)).statusCode, 404)
    t.equal((await actFor(other.userId, scoped.headers)).statusCode, 201)
    for (const reason of [undefined, '', '   ']) {
      const res = await call(app, 'POST', '/api/on-behalf', support.headers, { userId: b.userId, ...(reason === undefined ? {} : { reason }) })
      t.equal(res.statusCode, 400, `reason ${JSON.stringify(reason)}`)
    }
    await call(app, 'POST', `/api/users/${b.userId}/disable`, support.headers, { reason: 'left the company' })
    const disabled = await actFor(b.userId)
    t.equal(disabled.statusCode, 403)
    t.equal(disabled.json().code, 'PG_ERR_USER_DISABLED')
    t.same((await audits(b.customer.id)).map((a) => a.action), [], 'refusals write nothing')
  })
})
