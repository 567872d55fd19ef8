import t from 'tap'
import { JournalEntry, ShopCartLine } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { formInputs } from '../helpers/oci-form.ts'
import { assertValidCxml } from '../helpers/cxml-dtd.ts'
import { addCredential, createCustomer } from '../helpers/fixtures.ts'
import { seedCatalog, startedSession } from '../helpers/punchout.ts'
import { enterShop } from '../helpers/shop.ts'


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
    const { login, page: shop, post } = await enterShop(app, loginPath)
    t.match(login.headers['set-cookie'], /__Host-punchgate-shop=.*; Path=\/; Secure; HttpOnly; SameSite=None; Partitioned/)
    t.equal(shop.statusCode, 200)
    t.match(shop.body, /Welcome, jane@buyer\.example\.com|Welcome, /)
    t.match(shop.body, /9\.99 EUR <span class="muted">\(contract\)/)
    t.match(shop.body, /5\.49 EUR/)
    const add = await post('cart', 'sku=GLV-NIT-L&quantity=3')
    t.equal(add.statusCode, 303)
    const back = await post('return')
    t.equal(back.statusCode, 200)
    const [[name, poom]] = formInputs(back.body) as [[string, string]]
    t.equal(name, 'cxml-urlencoded')
    t.match(poom, /<BuyerCookie>shop-cookie<\/BuyerCookie>/)
    t.match(poom, /<ItemIn quantity="3"/)
    t.match(poom, /<Money currency="EUR">29.97<\/Money>/)
  })

  t.test('the shop validates what it adds, and its cart return is journaled', async (t) => {
    const { loginPath, sid } = await startedSession(app)
    const { post: shopPost } = await enterShop(app, loginPath)
    const post = (action: string, payload: string) => shopPost(action, payload)
    for (const bad of ['sku=GLV-NIT-L&quantity=0.0001', 'sku=GLV-NIT-L&quantity=1e20', `sku=${'X'.repeat(300)}&quantity=1`, 'sku=NOPE&quantity=1']) {
      const res = await post('cart', bad)
      t.equal(res.statusCode, 400, bad)
      t.match(res.headers['content-type'], /^text\/html/)
    }
    t.equal((await post('cart', 'sku=PEN-BLU-12&quantity=2.5')).statusCode, 303)
    t.equal((await post('return', '')).statusCode, 200)
    const entry = await db.orm.em.fork().findOneOrFail(JournalEntry, { sessionId: sid, channel: 'cart' })
    t.equal(entry.httpStatus, 200)
    t.match(Buffer.from(entry.requestBody!).toString(), /PEN-BLU-12/)
  })

  t.test('B13 jwt-replay-jti: an assertion works once, and never reaches a log line', async (t) => {
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

  t.test('without its browser key a page changes nothing', async (t) => {
    t.equal((await app.inject({ method: 'GET', url: '/shop' })).statusCode, 401)
    const { loginPath, sid } = await startedSession(app)
    const { post } = await enterShop(app, loginPath)
    const res = await post('cart', 'sku=GLV-NIT-L&quantity=1', null)
    t.equal(res.statusCode, 401)
    t.match(res.body, /not signed in from this browser/)
    t.equal(await db.orm.em.fork().count(ShopCartLine, { sessionId: sid }), 0)
  })

  t.test('edit restores the returned lines into the cart; inspect shows no return button', async (t) => {
    const itemOut = `<ItemOut quantity="4" lineNumber="1"><ItemID><SupplierPartID>PEN-BLU-12</SupplierPartID></ItemID><ItemDetail><UnitPrice><Money currency="EUR">3.90</Money></UnitPrice><Description xml:lang="en">Pens</Description><UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">44121704</Classification></ItemDetail></ItemOut>`
    const edit = await startedSession(app, { operation: 'edit', itemOut })
    const page = (await enterShop(app, edit.loginPath)).page.body
    t.match(page, /<td>PEN-BLU-12<\/td><td>Ballpoint pens, blue<\/td><td>4<\/td>/)
    t.match(page, /Return cart to procurement/)
    const inspect = await startedSession(app, { operation: 'inspect', itemOut, browserFormPost: null })
    const ro = (await enterShop(app, inspect.loginPath)).page.body
    t.match(ro, /Read-only/)
    t.notMatch(ro, /Return cart to procurement/)
  })

  const knownLine = `<ItemOut quantity="4" lineNumber="1"><ItemID><SupplierPartID>PEN-BLU-12</SupplierPartID></ItemID><ItemDetail><UnitPrice><Money currency="EUR">3.90</Money></UnitPrice><Description xml:lang="en">Pens</Description><UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">44121704</Classification></ItemDetail></ItemOut>`
  const foreignLine = (currency = 'EUR', price = `<UnitPrice><Money currency="${currency}">12.3456</Money></UnitPrice>`) =>
    `<ItemOut quantity="2.5" lineNumber="2"><ItemID><SupplierPartID>OLD-CAT-7</SupplierPartID><SupplierPartAuxiliaryID>po-77/2</SupplierPartAuxiliaryID></ItemID><ItemDetail>${price}<Description xml:lang="en">Retired widget &amp; bracket</Description><UnitOfMeasure>KGM</UnitOfMeasure><Classification domain="eCl@ss">27-02-01-01</Classification><ManufacturerPartID>W-7</ManufacturerPartID><ManufacturerName>Widgets Ltd</ManufacturerName></ItemDetail></ItemOut>`
  const poomOf = (res: { body: string }) => (formInputs(res.body) as [[string, string]])[0][1]

  t.test('edit: a line not in the catalog stays in the cart, marked, and goes back as it came', async (t) => {
    const edit = await startedSession(app, { operation: 'edit', itemOut: knownLine + foreignLine() })
    const { page, post } = await enterShop(app, edit.loginPath)
    t.match(page.body, /<tr class="kept"><td>OLD-CAT-7<\/td><td>Retired widget &amp; bracket <span class="muted">\(not in this catalog/)
    const back = await post('return')
    t.equal(back.statusCode, 200)
    const poom = poomOf(back)
    await assertValidCxml(t, poom)
    t.match(poom, /<ItemIn quantity="2\.5" lineNumber="2">\s*<ItemID>\s*<SupplierPartID>OLD-CAT-7<\/SupplierPartID>\s*<SupplierPartAuxiliaryID>po-77\/2<\/SupplierPartAuxiliaryID>/)
    t.match(poom, /<Money currency="EUR">12\.3456<\/Money>\s*<\/UnitPrice>\s*<Description xml:lang="en-US">Retired widget &amp; bracket<\/Description>\s*<UnitOfMeasure>KGM<\/UnitOfMeasure>\s*<Classification domain="eCl@ss">27-02-01-01<\/Classification>\s*<ManufacturerPartID>W-7<\/ManufacturerPartID>\s*<ManufacturerName>Widgets Ltd<\/ManufacturerName>/)
  })

  t.test('edit: the buyer removes a kept line; an empty cart keeps the session\'s currency', async (t) => {
    const edit = await startedSession(app, { operation: 'edit', itemOut: foreignLine('GBP') })
    const { page, post } = await enterShop(app, edit.loginPath)
    t.match(page.body, /OLD-CAT-7/)
    const position = /name="position" value="(\d+)"/.exec(page.body)![1]
    t.equal((await post('kept/remove', `position=${position}`)).statusCode, 303)
    const poom = poomOf(await post('return'))
    t.notMatch(poom, /OLD-CAT-7/)
    t.match(poom, /<Total>\s*<Money currency="GBP">0\.00<\/Money>/)
    await assertValidCxml(t, poom)
  })

  t.test('create: an empty cart goes back in the catalog\'s currency, not USD', async (t) => {
    const { loginPath } = await startedSession(app)
    const { post } = await enterShop(app, loginPath)
    t.match(poomOf(await post('return')), /<Total>\s*<Money currency="EUR">0\.00<\/Money>/)
  })

  t.test('edit: a kept line the buyer system sent without a price is named, and the return refused', async (t) => {
    const edit = await startedSession(app, { operation: 'edit', itemOut: foreignLine('EUR', '') })
    const { post } = await enterShop(app, edit.loginPath)
    const res = await post('return')
    t.equal(res.statusCode, 400)
    t.match(res.body, /OLD-CAT-7 \(no price, currency\)/)
    t.match(res.body, /Remove them from the cart/)
  })
})
