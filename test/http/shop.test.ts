import t from 'tap'
import { JournalEntry } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { formInputs } from '../helpers/oci-form.ts'
import { addCredential, createCustomer } from '../helpers/fixtures.ts'
import { seedCatalog, startedSession } from '../helpers/punchout.ts'

const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie']).split(';')[0]!
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!

t.test('the built-in reference storefront', async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  await seedCatalog(db.orm.em.fork())
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  await db.orm.em.fork().execute(
    `insert into contract_prices (id, customer_id, sku, unit_price, currency) values ('9b0f3b5e-4b1a-4c56-9a55-7a3e2d4c1f10', ?, 'GLV-NIT-L', 9.99, 'EUR')`,
    [customer.id],
  )

  t.test('logs the buyer in from the assertion, shows contract prices, returns the cart to BrowserFormPost', async (t) => {
    const { loginPath } = await startedSession(app, { buyerCookie: 'shop-cookie' })
    const login = await app.inject({ method: 'GET', url: loginPath })
    t.equal(login.statusCode, 303)
    t.match(login.headers['set-cookie'], /pg_shop=.*HttpOnly; Secure; SameSite=None/)
    const cookie = cookieOf(login)
    const shop = await app.inject({ method: 'GET', url: '/shop', headers: { cookie } })
    t.equal(shop.statusCode, 200)
    t.match(shop.body, /Welcome, jane@buyer\.example\.com|Welcome, /)
    t.match(shop.body, /9\.99 EUR <span class="muted">\(contract\)/)
    t.match(shop.body, /5\.49 EUR/)
    const csrf = csrfOf(shop.body)
    const add = await app.inject({ method: 'POST', url: '/shop/cart', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `csrf=${encodeURIComponent(csrf)}&sku=GLV-NIT-L&quantity=3` })
    t.equal(add.statusCode, 303)
    const back = await app.inject({ method: 'POST', url: '/shop/return', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `csrf=${encodeURIComponent(csrf)}` })
    t.equal(back.statusCode, 200)
    const [[name, poom]] = formInputs(back.body) as [[string, string]]
    t.equal(name, 'cxml-urlencoded')
    t.match(poom, /<BuyerCookie>shop-cookie<\/BuyerCookie>/)
    t.match(poom, /<ItemIn quantity="3"/)
    t.match(poom, /<Money currency="EUR">29.97<\/Money>/)
  })

  t.test('the shop validates what it adds, and its cart return is journaled', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const cookie = cookieOf(await app.inject({ method: 'GET', url: loginPath }))
    const csrf = csrfOf((await app.inject({ method: 'GET', url: '/shop', headers: { cookie } })).body)
    const post = (url: string, payload: string) => app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `csrf=${encodeURIComponent(csrf)}&${payload}` })
    for (const bad of ['sku=GLV-NIT-L&quantity=0.0001', 'sku=GLV-NIT-L&quantity=1e20', `sku=${'X'.repeat(300)}&quantity=1`, 'sku=NOPE&quantity=1']) {
      const res = await post('/shop/cart', bad)
      t.equal(res.statusCode, 400, bad)
      t.match(res.headers['content-type'], /^text\/html/)
    }
    t.equal((await post('/shop/cart', 'sku=PEN-BLU-12&quantity=2.5')).statusCode, 303)
    t.equal((await post('/shop/return', '')).statusCode, 200)
    const entry = await db.orm.em.fork().findOneOrFail(JournalEntry, { sessionId: sid, channel: 'cart' })
    t.equal(entry.httpStatus, 200)
    t.match(Buffer.from(entry.requestBody!).toString(), /PEN-BLU-12/)
  })

  t.test('an assertion works once, and never reaches a log line', async (t) => {
    const { loginPath, assertion } = await startedSession(app)
    t.equal((await app.inject({ method: 'GET', url: loginPath })).statusCode, 303)
    t.notOk(logs.join('\n').includes(assertion))
    t.ok(logs.some((l) => l.includes('/shop/login?assertion=***')))
    const again = await app.inject({ method: 'GET', url: loginPath })
    t.equal(again.statusCode, 401)
    t.match(again.body, /already used/)
  })

  t.test('a tampered assertion is refused', async (t) => {
    const { assertion } = await startedSession(app)
    const [h, p, s] = assertion.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, email: 'ceo@buyer.example.com' })).toString('base64url')}.${s}`
    const res = await app.inject({ method: 'GET', url: `/shop/login?assertion=${forged}` })
    t.equal(res.statusCode, 401)
    t.match(res.headers['content-type'], /^text\/html/)
  })

  t.test('without a shop session or with a wrong form token nothing changes', async (t) => {
    t.equal((await app.inject({ method: 'GET', url: '/shop' })).statusCode, 401)
    const { loginPath } = await startedSession(app)
    const cookie = cookieOf(await app.inject({ method: 'GET', url: loginPath }))
    const res = await app.inject({ method: 'POST', url: '/shop/cart', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'csrf=wrong&sku=GLV-NIT-L&quantity=1' })
    t.equal(res.statusCode, 403)
  })

  t.test('edit restores the returned lines into the cart; inspect shows no return button', async (t) => {
    const itemOut = `<ItemOut quantity="4" lineNumber="1"><ItemID><SupplierPartID>PEN-BLU-12</SupplierPartID></ItemID><ItemDetail><UnitPrice><Money currency="EUR">3.90</Money></UnitPrice><Description xml:lang="en">Pens</Description><UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">44121704</Classification></ItemDetail></ItemOut>`
    const edit = await startedSession(app, { operation: 'edit', itemOut })
    const cookie = cookieOf(await app.inject({ method: 'GET', url: edit.loginPath }))
    const page = (await app.inject({ method: 'GET', url: '/shop', headers: { cookie } })).body
    t.match(page, /<td>PEN-BLU-12<\/td><td>Ballpoint pens, blue<\/td><td>4<\/td>/)
    t.match(page, /Return cart to procurement/)
    const inspect = await startedSession(app, { operation: 'inspect', itemOut, browserFormPost: null })
    const c2 = cookieOf(await app.inject({ method: 'GET', url: inspect.loginPath }))
    const ro = (await app.inject({ method: 'GET', url: '/shop', headers: { cookie: c2 } })).body
    t.match(ro, /Read-only/)
    t.notMatch(ro, /Return cart to procurement/)
  })
})
