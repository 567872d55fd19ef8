import t from 'tap'
import { JournalEntry, Order } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'

/**
 * Documents over 64 KiB are authenticated on their Header, then masked and parsed on a worker
 * thread (docs/cxml.md, "Large documents"); CXML_PARSE_WORKERS=0 parses them on the event loop.
 * Either way the buyer gets the same answers and the journal the same row.
 */
const LINES = 2000
const largeOrder = (id: string, o: { brokenAtEnd?: boolean; lines?: number } = {}) => {
  const lines = o.lines ?? LINES
  const xml = orderRequest({
    payloadID: `${id}@buyer`, orderID: `PO-${id}`, total: `${lines}.00`,
    lines: Array.from({ length: lines }, (_, i) => ({ sku: `SKU-${i}`, quantity: '1', unitPrice: '1.00' })),
  })
  return o.brokenAtEnd ? xml.replace('</OrderRequest>', '<Unclosed></OrderRequest>') : xml
}

for (const workers of ['1', '0']) {
  t.test(`CXML_PARSE_WORKERS=${workers}`, async (t) => {
    const { app, db } = await buildTestApp(t, { CXML_PARSE_WORKERS: workers })
    const customer = await createCustomer(app)
    await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
    const journalOf = (payloadId: string) => db.orm.em.fork().findOneOrFail(JournalEntry, { payloadId })

    t.test('a large OrderRequest is stored with every line, and journaled whole and masked', async (t) => {
      const body = largeOrder('large-1')
      t.ok(body.length > 64 * 1024)
      t.equal(cxmlAnswer((await postCxml(app, body)).body).code, 200)
      const stored = await db.orm.em.fork().findOneOrFail(Order, { payloadId: 'large-1@buyer' })
      const detail = (await app.inject({ method: 'GET', url: `/api/orders/${stored.id}`, headers: adminHeaders })).json()
      t.equal(detail.lines.length, LINES)
      const row = await journalOf('large-1@buyer')
      const kept = Buffer.from(row.requestBody!).toString('utf8')
      t.notOk(kept.includes('s3cret-shared'), 'the SharedSecret is masked')
      t.equal(kept, body.replace('s3cret-shared', '***'), 'everything else is kept as sent')
    })

    if (workers === '1') {
      t.test('F3 cart-max-allowed: the largest OrderRequest the default body limit allows (~12,000 lines) is accepted whole', async (t) => {
        const body = largeOrder('largest', { lines: 12_000 })
        t.ok(body.length > 3.8 * 1024 * 1024 && body.length < 4 * 1024 * 1024, 'just under CXML_BODY_LIMIT_BYTES')
        t.equal(cxmlAnswer((await postCxml(app, body)).body).code, 200)
        const stored = await db.orm.em.fork().findOneOrFail(Order, { payloadId: 'largest@buyer' })
        const detail = (await app.inject({ method: 'GET', url: `/api/orders/${stored.id}`, headers: adminHeaders })).json()
        t.equal(detail.lines.length, 12_000)
      })
    }

    t.test('a large document broken after its Header is refused as malformed, journaled masked', async (t) => {
      const answer = cxmlAnswer((await postCxml(app, largeOrder('large-2', { brokenAtEnd: true }))).body)
      t.equal(answer.code, 400)
      t.match(answer.detail, /PG_ERR_CXML_MALFORMED/)
      t.equal(await db.orm.em.fork().count(Order, { payloadId: 'large-2@buyer' }), 0, 'nothing stored')
      const row = await journalOf('large-2@buyer')
      t.equal(row.outcome, 'malformed')
      t.equal(row.customerId, customer.id)
      t.notOk(Buffer.from(row.requestBody!).includes('s3cret-shared'))
    })
  })
}
