import t from 'tap'
import { Cart, JournalEntry } from '../../../src/persistence/entities/index.ts'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders, cxmlAnswer, postCxml } from '../../helpers/fixtures.ts'
import { decodeEntities, formInputs } from '../../helpers/oci-form.ts'
import { orderRequest } from '../../helpers/orders.ts'
import { returnCart, seedCatalog, startedSession } from '../../helpers/punchout.ts'
import { followStart, loginParams, ociPost, ociTestApp, returnCart as returnOciCart, startedOciSession } from '../oci/oci-helpers.ts'
import { call, cartItems, tokenFor } from './accounts-helpers.ts'
import { dryRun, patchCustomer, rowCounts } from './replay-helpers.ts'
import { buyerCustomer } from '../../domain/provisioning/punchout-helpers.ts'

/**
 * Re-sending a returned cart (docs/api.md, "Re-send a returned cart"): a one-time link that posts
 * the stored document again from the buyer's browser. And OrderRequest dry runs.
 */
t.test('cart re-send', async (t) => {
  const app = await buildTestApp(t)
  const em = () => app.db.orm.em.fork()
  const open = (url: string) => app.app.inject({ method: 'GET', url: new URL(url).pathname })
  const returned = async () => {
    const buyer = await buyerCustomer(app)
    const { sid } = await startedSession(app.app, { from: buyer.from })
    const res = await returnCart(app.app, sid, cartItems)
    if (res.statusCode !== 200) throw new Error(res.body)
    return { ...buyer, sid }
  }

  t.test('the link posts the same document to the return URL once; the second open is refused', async (t) => {
    const { sid } = await returned()
    const issued = await call(app, 'POST', `/api/sessions/${sid}/resend`, adminHeaders, { reason: 'buyer says the cart never arrived' })
    t.equal(issued.statusCode, 201, issued.body)
    t.match(issued.json(), { url: /^https:\/\/gateway\.test\/punchout\/resend\//, expiresAt: '2026-11-23T10:15:00.000Z' })
    const first = await open(issued.json().url)
    t.equal(first.statusCode, 200, first.body)
    const cart = await em().findOneOrFail(Cart, { sessionId: sid })
    t.match(first.body, /action="https:\/\/buyer\.example\.com\/punchout\/return\?x=1&amp;y=2"/)
    t.same(formInputs(first.body).map(([k, v]) => [k, decodeEntities(v)]), [['cxml-urlencoded', cart.document]], 'the same bytes as first sent')
    const second = await open(issued.json().url)
    t.equal(second.statusCode, 410)
    t.match(second.body, /already used/)
    const timeline = (await call(app, 'GET', `/api/sessions/${sid}`)).json().timeline.map((e: { type: string }) => e.type)
    t.same(timeline.filter((type: string) => type.startsWith('cart.resen')), ['cart.resend_issued', 'cart.resent', 'cart.resend_refused'], 'on the timeline')
    const journal = await em().find(JournalEntry, { sessionId: sid, channel: 'cart', path: { $like: '/punchout/resend/%' } }, { orderBy: { id: 'asc' } })
    t.match(journal.map((j) => [j.path, j.outcome, j.errorCode]), [['/punchout/resend/***', 'ok', null], ['/punchout/resend/***', 'refused', 'PG_ERR_RESEND_LINK_USED']], 'journaled, the link masked')
  })

  t.test('concurrent opens: one posts the cart, the other is refused', async (t) => {
    const { sid } = await returned()
    const { url } = (await call(app, 'POST', `/api/sessions/${sid}/resend`, adminHeaders, {})).json()
    const answers = await Promise.all([open(url), open(url), open(url)])
    t.same(answers.map((a) => a.statusCode).sort(), [200, 410, 410])
  })

  t.test('expired, forged, and no longer allowed', async (t) => {
    const { customer, sid } = await returned()
    const { url } = (await call(app, 'POST', `/api/sessions/${sid}/resend`, adminHeaders, {})).json()
    t.equal((await open(`${url}x`)).statusCode, 404, 'a forged link is not valid')
    await patchCustomer(app, customer.id, { returnUrlHosts: ['elsewhere.example'] })
    t.equal((await open(url)).statusCode, 403, "today's allow-list no longer accepts the return URL")
    t.equal((await call(app, 'POST', `/api/sessions/${sid}/resend`, adminHeaders, {})).statusCode, 403, 'no new link either')
    await patchCustomer(app, customer.id, { returnUrlHosts: ['buyer.example.com'] })
    app.clock.advance(15 * 60)
    t.equal((await open(url)).statusCode, 410, 'expired after 15 minutes')
    app.clock.advance(-15 * 60)
  })

  t.test('a session without a returned cart has nothing to re-send', async (t) => {
    const buyer = await buyerCustomer(app)
    const { sid } = await startedSession(app.app, { from: buyer.from })
    const res = await call(app, 'POST', `/api/sessions/${sid}/resend`, adminHeaders, {})
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'PG_ERR_RESEND_UNAVAILABLE')
  })
})

t.test('OCI cart re-send posts the same NEW_ITEM fields to HOOK_URL', async (t) => {
  const app = await ociTestApp(t)
  const sid = await startedOciSession(app.app)
  t.equal((await returnOciCart(app.app, sid, cartItems)).statusCode, 200)
  const { url } = (await call(app, 'POST', `/api/sessions/${sid}/resend`, adminHeaders, {})).json()
  const res = await app.app.inject({ method: 'GET', url: new URL(url).pathname })
  t.equal(res.statusCode, 200, res.body)
  const cart = await app.db.orm.em.fork().findOneOrFail(Cart, { sessionId: sid })
  t.same(formInputs(res.body).map(([k, v]) => [k, decodeEntities(v)]), JSON.parse(cart.document!))
  t.match((await call(app, 'POST', `/api/sessions/${sid}/replay`, adminHeaders, { mode: 'dry-run' })).json(), { protocol: 'oci', then: { outcome: 'provisioned' }, now: { outcome: 'provisioned' } }, 'an OCI login replays too')
  const posted = await ociPost(app.app, `${loginParams()}`)
  t.equal(posted.statusCode, 303)
  const postedSid = (await followStart(app.app, posted.headers.location as string)).claims.sid as string
  t.match((await call(app, 'POST', `/api/sessions/${postedSid}/replay`, adminHeaders, { mode: 'dry-run' })).json(), { then: { outcome: 'provisioned' }, now: { outcome: 'provisioned', user: 'would be matched' } }, 'a posted OCI login replays from its journaled form')
})

t.test('OrderRequest dry run: today\'s price check judges the order', async (t) => {
  const app = await buildTestApp(t)
  await seedCatalog(app.db.orm.em.fork())
  const buyer = await buyerCustomer(app)
  const headers = { ...adminHeaders, 'x-audit-reason': 'contract 2026' }
  await call(app, 'POST', `/api/customers/${buyer.customer.id}/prices`, headers, { sku: 'PAP-A4-80', unitPrice: '4.60', currency: 'EUR' })
  await patchCustomer(app, buyer.customer.id, { pricePolicy: 'refuse', priceTolerance: 0 })
  const doc = orderRequest({ payloadID: 'po-1@buyer', orderID: 'PO-1', total: '54.90', lines: [{ sku: 'PAP-A4-80', quantity: '10', unitPrice: '5.49' }] })
    .replaceAll('AN-BUYER-1', buyer.from[0]![1])
  t.equal(cxmlAnswer((await postCxml(app.app, doc)).body).code, 400, 'refused then: the price differs from the contract')
  const entry = await app.db.orm.em.fork().findOneOrFail(JournalEntry, { payloadId: 'po-1@buyer' })
  await patchCustomer(app, buyer.customer.id, { pricePolicy: 'record' })
  const before = await rowCounts(app)
  const res = await call(app, 'POST', `/api/requests/${entry.id}/replay`, adminHeaders, { mode: 'dry-run' })
  t.same(await rowCounts(app), before, 'nothing written')
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), {
    mode: 'dry-run', secretChecked: false,
    then: { outcome: 'refused', code: 'PG_ERR_ORDER_PRICE_MISMATCH' },
    now: { outcome: 'accepted', prices: /1 priced line.*0 ok, 1 mismatch.*policy record/, links: /linked to no session/ },
  })
  t.match(res.json().steps.find((s: { step: string }) => s.step === 'outcome'), { changed: true })

  t.test('an accepted order replays as itself, not as a repeat or a conflict', async (t) => {
    const ok = orderRequest({ payloadID: 'po-2@buyer', orderID: 'PO-2', lines: [{ sku: 'PAP-A4-80', quantity: '1', unitPrice: '4.60' }] }).replaceAll('AN-BUYER-1', buyer.from[0]![1])
    t.equal(cxmlAnswer((await postCxml(app.app, ok)).body).code, 200)
    const id = (await app.db.orm.em.fork().findOneOrFail(JournalEntry, { payloadId: 'po-2@buyer' })).id
    const body = (await call(app, 'POST', `/api/requests/${id}/replay`, adminHeaders, { mode: 'dry-run' })).json()
    t.match(body, { then: { outcome: 'accepted' }, now: { outcome: 'accepted' } })
    t.notOk(body.steps.some((s: { changed: boolean }) => s.changed))
  })

  t.test('who may replay an order', async (t) => {
    const other = await buyerCustomer(app)
    const scoped = await tokenFor(app, 'support', [other.customer.id])
    const auditor = await tokenFor(app, 'auditor')
    t.equal((await call(app, 'POST', `/api/requests/${entry.id}/replay`, scoped.headers, { mode: 'dry-run' })).statusCode, 404)
    t.equal((await call(app, 'POST', `/api/requests/${entry.id}/replay`, auditor.headers, { mode: 'dry-run' })).statusCode, 403)
    t.equal((await call(app, 'POST', `/api/requests/${entry.id}/replay`, adminHeaders, { mode: 'live' })).statusCode, 400, 'orders replay as a dry run only')
  })
  t.equal((await dryRun(app, '00000000-0000-4000-8000-000000000000')).statusCode, 404)
})
