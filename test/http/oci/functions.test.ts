import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { BuyerUser, Cart, ContractPrice, JournalEntry, PunchoutSession, SessionEvent } from '../../../src/persistence/entities/index.ts'
import { forms, formInputs, ociItems } from '../../helpers/oci-form.ts'
import { HOOK_URL, PERSON, enterShop, followStart, loginParams, ociGet, ociPost, ociTestApp } from './oci-helpers.ts'

/** What a background answer posts: the form, its NEW_ITEM lines and the session it left. */
async function backgroundAnswer(t: Test, res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.headers['content-security-policy'], /form-action https:\/\/srm\.buyer\.example\.com/)
  const [form] = forms(res.body)
  t.equal(form!.get('action'), HOOK_URL, 'posted to HOOK_URL unchanged, its own query string included')
  t.equal(form!.get('target'), '_blank', '~TARGET of the login call')
  return ociItems(res.body)
}

t.test('OCI FUNCTIONs', async (t) => {
  const { app, db, customer, clock } = await ociTestApp(t)
  const em = () => db.orm.em.fork()
  const sessionOf = async (requestFilter: Record<string, unknown>) => {
    const entry = await em().findOneOrFail(JournalEntry, { channel: 'oci', ...requestFilter }, { orderBy: { id: 'desc' } })
    return { entry, session: entry.sessionId ? await em().findOneOrFail(PunchoutSession, { id: entry.sessionId }) : undefined }
  }

  t.test('DETAIL opens the storefront on PRODUCTID, as the person', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'DETAIL', PRODUCTID: 'GLV-NIT-L' }))
    t.equal(res.statusCode, 303)
    const { claims, loginPath } = await followStart(app, res.headers.location as string)
    t.equal(claims.email, 'hans.mueller@buyer.example.com')
    const session = await em().findOneOrFail(PunchoutSession, { id: claims.sid })
    t.match(session, { selectedSku: 'GLV-NIT-L', status: 'started', operation: 'create' })
    t.equal(session.protocolContext.oci?.function, 'DETAIL')
    const { page } = await enterShop(app, loginPath)
    t.equal(page.statusCode, 200)
    t.match(page.body, /<div class="card" id="selected-product"><h2>Selected in your procurement system<\/h2>/)
    t.match(page.body, /id="selected-product">[\s\S]*?GLV-NIT-L[\s\S]*?Nitrile gloves, size L/)
    t.match(page.body, /<tr class="selected"[^>]*><td>GLV-NIT-L<\/td>/, 'highlighted in the catalog too')
  })

  t.test('DETAIL for a product the catalog does not have says so in the storefront', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'DETAIL', PRODUCTID: 'GONE-123' }))
    const { loginPath } = await followStart(app, res.headers.location as string)
    const { page } = await enterShop(app, loginPath)
    t.match(page.body, /The product GONE-123 is not in this catalog/)
  })

  t.test('SOURCING opens the storefront on the results for SEARCHSTRING (operation source)', async (t) => {
    const res = await ociPost(app, loginParams({ FUNCTION: 'SOURCING', SEARCHSTRING: 'gloves', VENDOR: '100042' }).toString())
    t.equal(res.statusCode, 303)
    const { claims, loginPath } = await followStart(app, res.headers.location as string)
    t.equal(claims.op, 'source')
    const { next, page } = await enterShop(app, loginPath)
    t.match(next, /^\/shop\/s\/[^/]+\/\?entry=[^&]+&q=gloves$/)
    t.match(page.body, /1 result\(s\) for “gloves”/)
    t.match(page.body, /GLV-NIT-L/)
    t.notMatch(page.body, /<td>PAP-A4-80<\/td>/, 'non-matching products are not listed')
  })

  t.test('VALIDATE posts PRODUCTID × QUANTITY at the contract price to HOOK_URL, without UI', async (t) => {
    const usersBefore = await em().count(BuyerUser, {})
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: 'GLV-NIT-L', QUANTITY: '2,5' }))
    const items = await backgroundAnswer(t, res)
    t.equal(items.length, 1)
    t.match(items[0]!.fields, {
      DESCRIPTION: 'Nitrile gloves, size L - Powder-free, b', QUANTITY: '2.5', UNIT: 'BX', PRICE: '10.95', PRICEUNIT: '1', CURRENCY: 'EUR',
      VENDORMAT: 'GLV-NIT-L', MANUFACTMAT: 'TF-250-L', LEADTIME: '4', MATGROUP: '46181504',
    })
    t.match(items[0]!.fields.LONGTEXT, 'Nitrile gloves, size L - Powder-free, box of 100')
    const inputs = formInputs(res.body)
    t.same(inputs.slice(0, 3), [['~OkCode', 'ADDI'], ['~TARGET', '_blank'], ['~CALLER', 'CTLG']])
    const { entry, session } = await sessionOf({ errorCode: null, httpStatus: 200 })
    t.match(entry, { customerId: customer.id, outcome: 'ok' })
    t.match(session, { status: 'cart_returned', startTokenHash: null, startedAt: null, selectedSku: 'GLV-NIT-L' })
    t.equal(await em().count(BuyerUser, {}), usersBefore, 'the known buyer is reused, not duplicated')
    const cart = await em().findOneOrFail(Cart, { sessionId: session!.id })
    t.equal(Number(cart.total), 27.38)
    t.equal(cart.transport, 'oci')
    const events = (await em().find(SessionEvent, { sessionId: session!.id }, { orderBy: { id: 'asc' } })).map((e) => e.type)
    t.ok(events.includes('oci.background') && events.includes('cart.returned'))
  })

  t.test('VALIDATE of a catalog product that cannot be sent: a clear 400, recorded as a failed session, nothing provisioned', async (t) => {
    await em().getConnection().execute(`insert into products (sku, name, description, list_price, currency, unit_of_measure) values ('TOO-LONG-1', 'Long', repeat('x', 4100), 1, 'EUR', 'EA')`)
    const usersBefore = await em().count(BuyerUser, {})
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: 'TOO-LONG-1' }, { ...PERSON, 'SY-UNAME': 'NEWBUYER', USER_EMAIL: 'new.buyer@buyer.example.com' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /TOO-LONG-1/)
    const { entry, session } = await sessionOf({ errorCode: 'PG_ERR_CART_INVALID' })
    t.match(session, { status: 'failed', failureCode: 'PG_ERR_CART_INVALID', userId: null })
    t.equal(entry.sessionId, session!.id, 'the refusal is journaled on its session')
    t.equal(await em().count(BuyerUser, {}), usersBefore, 'the new buyer was not created')
  })

  t.test('VALIDATE of an unknown product: 400 page, nothing provisioned, journaled with its customer', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: 'NOPE-1', QUANTITY: '1' }, { ...PERSON, 'SY-UNAME': 'VALNEW', USER_EMAIL: 'valnew@buyer.example.com' }))
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.body, /The product &quot;NOPE-1&quot; \(PRODUCTID\) is not in this catalog/)
    t.match(res.body, /Reference for support/)
    t.equal(await em().count(BuyerUser, { uniqueName: 'VALNEW' }), 0)
    const { entry, session } = await sessionOf({ errorCode: 'PG_ERR_OCI_INVALID', customerId: customer.id })
    t.equal(entry.outcome, 'refused')
    t.equal(session, undefined)
  })

  t.test('VALIDATE of a PRODUCTID with SQL in it is just an unknown product', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: "GLV-NIT-L'; delete from products;--", QUANTITY: '1' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /is not in this catalog/)
  })

  t.test('VALIDATE with a zero QUANTITY is refused', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: 'GLV-NIT-L', QUANTITY: '0' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /QUANTITY must be more than zero/)
  })

  t.test('BACKGROUND_SEARCH posts the matching products (sku, name, description; any case) to HOOK_URL', async (t) => {
    const res = await ociPost(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: 'PAPER' }).toString())
    const items = await backgroundAnswer(t, res)
    t.same(items.map((i) => i.fields.VENDORMAT), ['PAP-A4-80'])
    t.match(items[0]!.fields, { PRICE: '4.6', QUANTITY: '1', UNIT: 'RM' })
    const two = await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: 'box' })))
    t.same(two.map((i) => i.fields.VENDORMAT), ['GLV-NIT-L', 'PEN-BLU-12'], 'description matches, ordered by SKU')
    const words = await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: 'box  gloves' })))
    t.same(words.map((i) => i.fields.VENDORMAT), ['GLV-NIT-L'], 'every word must match')
    const { session } = await sessionOf({ httpStatus: 200 })
    t.equal(session!.status, 'cart_returned')
  })

  t.test('BACKGROUND_SEARCH treats wildcards and SQL as text; no hits is an empty selection', async (t) => {
    for (const text of ['%', '_', "' or '1'='1", "x' union select * from users --", 'zzz-nothing']) {
      const items = await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: text })))
      t.same(items, [], text)
    }
    const stillThere = await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: 'cable' })))
    t.equal(stillThere.length, 1)
  })

  // Embedded mode: MikroORM inlines escaped values into the SQL and the PGlite knex dialect runs
  // any SQL with a `;` in it (even inside a quoted value) as a batch, which breaks MikroORM's
  // batch inserts (the timeline here). Not OCI-specific; reported, fixed in persistence.
  t.test('a search string with a semicolon', async (t) => {
    const items = await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: "'; drop table products;--" })))
    t.same(items, [])
    t.equal((await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: 'paper' })))).length, 1)
  })

  t.test('QUANTITY_CHECK: a clear "not supported" page (PG_ERR_OCI_FUNCTION_UNSUPPORTED)', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'QUANTITY_CHECK', PRODUCTID: 'GLV-NIT-L', QUANTITY: '3' }))
    t.equal(res.statusCode, 406)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.body, /cannot answer FUNCTION=QUANTITY_CHECK/)
    const { entry, session } = await sessionOf({ errorCode: 'PG_ERR_OCI_FUNCTION_UNSUPPORTED', customerId: customer.id })
    t.equal(entry.httpStatus, 406)
    t.equal(session, undefined)
  })

  t.test("VALIDATE prices by the gateway's clock: a contract price applies until its last day, then the list price", async (t) => {
    const em0 = em()
    em0.create(ContractPrice, { id: randomUUID(), customerId: customer.id, sku: 'PEN-BLU-12', unitPrice: '3.10', currency: 'EUR', validTo: '2026-11-24' })
    await em0.flush()
    const priceOn = async () => (await backgroundAnswer(t, await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: 'PEN-BLU-12', QUANTITY: '1' }))))[0]!.fields.PRICE
    t.equal(await priceOn(), '3.1', 'on 2026-11-23 (the test clock, not the machine clock)')
    clock.advance(2 * 86_400)
    t.equal(await priceOn(), '3.9', 'on 2026-11-25 the list price')
  })

  t.test('DETAIL without PRODUCTID is malformed', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'DETAIL' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /FUNCTION DETAIL needs a PRODUCTID/)
  })
})
