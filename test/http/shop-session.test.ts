import t from 'tap'
import { JournalEntry, SessionEvent, ShopCartLine } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, createCustomer } from '../helpers/fixtures.ts'
import { formInputs, forms } from '../helpers/oci-form.ts'
import { seedCatalog, startedSession } from '../helpers/punchout.ts'
import { browserKeyCookie, enterShop } from '../helpers/shop.ts'

/**
 * The built-in storefront's session inside a buyer's frame (docs/storefront.md, "Inside the
 * buyer's frame"): a handle in the page path names the session, a browser key cookie binds it to
 * the browser; a browser that keeps no cookie is told so and may continue in a new window.
 */
t.test('the storefront session: handle and browser key', async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  await seedCatalog(db.orm.em.fork())
  const acme = await createCustomer(app, { name: 'Acme Corp' })
  await addCredential(app, acme.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const globex = await createCustomer(app, { name: 'Globex' })
  await addCredential(app, globex.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-GLOBEX', sharedSecret: 'globex-secret' })
  const em = () => db.orm.em.fork()
  const eventsOf = (sessionId: string) => em().find(SessionEvent, { sessionId }, { orderBy: { id: 'asc' } }).then((es) => es.map((e) => e.type))
  const cartOf = (sessionId: string) => em().find(ShopCartLine, { sessionId }).then((ls) => ls.map((l) => `${l.sku}×${Number(l.quantity)}`))
  const framed = { 'sec-fetch-dest': 'iframe' }

  t.test('the sign-in sets a partitioned __Host- browser key, expires the old cookie and opens the session page', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const login = await app.inject({ method: 'GET', url: loginPath })
    t.equal(login.statusCode, 303)
    t.same(login.headers['set-cookie'], [
      `${browserKeyCookie(login)}; Path=/; Secure; HttpOnly; SameSite=None; Partitioned; Max-Age=28800`,
      'pg_shop=; Path=/shop; HttpOnly; Secure; SameSite=None; Max-Age=0',
    ])
    t.match(login.headers.location, new RegExp(`^/shop/s/${sid}\\.\\d+\\.[\\w-]+/\\?entry=`))
    t.equal((await eventsOf(sid)).at(-1), 'storefront.signed_in', 'on the timeline')
  })

  t.test('a page answers only with the browser key its handle was bound to', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const shop = await enterShop(app, loginPath)
    t.equal(shop.page.statusCode, 200)
    t.equal(shop.page.headers['referrer-policy'], 'no-referrer')
    t.match(shop.page.body, `action="${shop.base}cart"`)
    const otherBrowser = browserKeyCookie(await app.inject({ method: 'GET', url: (await startedSession(app)).loginPath }))!
    for (const cookie of [null, otherBrowser, 'punchgate-shop=forged.key', `pg_shop=${sid}.9999999999.x`]) {
      const page = await shop.get(cookie)
      t.equal(page.statusCode, 401, `page with ${cookie}`)
      t.equal((await shop.post('cart', 'sku=GLV-NIT-L&quantity=1', cookie)).statusCode, 401, `cart with ${cookie}`)
      t.equal((await shop.post('return', '', cookie)).statusCode, 401, `return with ${cookie}`)
    }
    t.same(await cartOf(sid), [], 'nothing changed')
  })

  t.test('E1 tenant-cross-session: a tampered or foreign handle is refused: another customer’s session cannot be reached', async (t) => {
    const mine = await enterShop(app, (await startedSession(app)).loginPath)
    const theirs = await startedSession(app, { from: [['NetworkID', 'AN-GLOBEX']], secret: 'globex-secret', buyerCookie: 'globex' })
    const their = await enterShop(app, theirs.loginPath)
    const [, rest] = /^\/shop\/s\/[0-9a-f-]{36}(\..*)$/.exec(mine.base)!
    const swapped = `/shop/s/${theirs.sid}${rest}`
    const res = await app.inject({ method: 'POST', url: `${swapped}cart`, headers: { cookie: mine.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'sku=GLV-NIT-L&quantity=5' })
    t.equal(res.statusCode, 401, 'my browser key with their session id')
    t.equal((await their.post('cart', 'sku=GLV-NIT-L&quantity=5', mine.cookie)).statusCode, 401, 'their handle with my browser key')
    t.same(await cartOf(theirs.sid), [])
    t.equal((await their.post('cart', 'sku=GLV-NIT-L&quantity=5')).statusCode, 303, 'their own browser may')
  })

  t.test('stale and duplicate cookies never send a request to another session', async (t) => {
    const first = await startedSession(app, { buyerCookie: 'first', browserFormPost: 'https://buyer.example.com/first' })
    const tabA = await enterShop(app, first.loginPath)
    // The same browser punches out again (a second tab): it keeps its key, so both pages work.
    const second = await startedSession(app, { buyerCookie: 'second', browserFormPost: 'https://buyer.example.com/second' })
    const tabB = await enterShop(app, second.loginPath, { cookie: tabA.cookie })
    t.equal(tabB.cookie, tabA.cookie, 'the browser key is kept')
    // A stale first-version cookie and a duplicate key from another partition ride along.
    const cookies = `pg_shop=${first.sid}.9999999999.stale; ${tabA.cookie}; ${browserKeyCookie(await app.inject({ method: 'GET', url: (await startedSession(app)).loginPath }))}`
    t.equal((await tabA.post('cart', 'sku=PEN-BLU-12&quantity=1', cookies)).statusCode, 303)
    t.equal((await tabB.post('cart', 'sku=GLV-NIT-L&quantity=2', cookies)).statusCode, 303)
    t.same(await cartOf(first.sid), ['PEN-BLU-12×1'])
    t.same(await cartOf(second.sid), ['GLV-NIT-L×2'])
    const back = await tabA.post('return', '', cookies)
    t.equal(forms(back.body)[0]!.get('action'), 'https://buyer.example.com/first', 'tab A returns to its own BrowserFormPost')
    t.match(formInputs(back.body)[0]![1], /<BuyerCookie>first<\/BuyerCookie>/)
  })

  t.test('a browser that keeps no cookie is told so, recorded, and may continue in a new window once', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const login = await app.inject({ method: 'GET', url: loginPath, headers: framed })
    const first = await app.inject({ method: 'GET', url: login.headers.location as string, headers: framed })
    t.equal(first.statusCode, 200)
    t.match(first.body, /Your browser blocked the storefront in this window/)
    const form = forms(first.body)[0]!
    t.equal(form.get('target'), '_blank')
    t.same((await eventsOf(sid)).slice(-2), ['storefront.signed_in', 'storefront.session_not_kept'])
    const row = await em().findOneOrFail(JournalEntry, { sessionId: sid, channel: 'shop', errorCode: 'PG_ERR_SHOP_SESSION_NOT_KEPT' })
    t.equal(row.outcome, 'refused')
    const event = await em().findOneOrFail(SessionEvent, { sessionId: sid, type: 'storefront.session_not_kept' })
    t.same(event.data, { framing: 'frame', attempt: 1 })

    // The new window: top level, where the storefront's cookie is first-party.
    const payload = `entry=${encodeURIComponent(new Map(formInputs(first.body)).get('entry')!)}`
    const action = new URL(form.get('action')!, 'https://gateway.test').pathname
    const cont = await app.inject({ method: 'POST', url: action, headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-dest': 'document' }, payload })
    t.equal(cont.statusCode, 303, cont.body)
    const cookie = browserKeyCookie(cont)!
    const page = await app.inject({ method: 'GET', url: cont.headers.location as string, headers: { cookie } })
    t.equal(page.statusCode, 200)
    t.match(page.body, /Return cart to procurement/)
    t.ok((await eventsOf(sid)).includes('storefront.continued_in_new_window'))
    const again = await app.inject({ method: 'POST', url: action, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload })
    t.equal(again.statusCode, 401, 'the continue link works once')
    t.match(again.body, /already used/)
  })

  t.test('a browser that keeps no cookie even in its own window is told to allow cookies, with no loop', async (t) => {
    const { loginPath } = await startedSession(app)
    const login = await app.inject({ method: 'GET', url: loginPath, headers: framed })
    const first = await app.inject({ method: 'GET', url: login.headers.location as string, headers: framed })
    const form = forms(first.body)[0]!
    const cont = await app.inject({ method: 'POST', url: new URL(form.get('action')!, 'https://gateway.test').pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `entry=${encodeURIComponent(new Map(formInputs(first.body)).get('entry')!)}` })
    const blocked = await app.inject({ method: 'GET', url: cont.headers.location as string })
    t.equal(blocked.statusCode, 200)
    t.match(blocked.body, /Allow cookies for gateway\.test/)
    t.notMatch(blocked.body, /Continue in a new window/)
  })

  t.test('a copy of the first page URL is worthless once the buyer’s browser showed it', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const { next } = await enterShop(app, loginPath)
    const copy = await app.inject({ method: 'GET', url: next, headers: framed })
    t.equal(copy.statusCode, 401)
    t.match(copy.body, /opened elsewhere/)
    t.notOk((await eventsOf(sid)).includes('storefront.session_not_kept'))
  })

  t.test('handles and entry passes never reach the journal or the logs', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const { base, next } = await enterShop(app, loginPath)
    const mac = base.split('.').slice(1).join('.')
    const entry = new URL(next, 'https://gateway.test').searchParams.get('entry')!
    const rows = await em().find(JournalEntry, { sessionId: sid, channel: 'shop' })
    t.ok(rows.length >= 2)
    for (const row of rows) {
      t.notOk(row.path.includes(mac.slice(0, 30)), row.path)
      t.notOk(row.path.includes(entry), row.path)
    }
    t.ok(rows.some((r) => r.path.startsWith(`/shop/s/${sid}.***/`)), 'the session id stays searchable')
    t.notOk(logs.join('\n').includes(entry))
    t.notOk(logs.join('\n').includes(mac.slice(0, 30)))
  })
})
