import t from 'tap'
import { PunchgateError } from '../../../src/errors/index.ts'
import { CxmlParsePool, type OffThreadParse } from '../../../src/protocols/cxml/parse-pool.ts'
import { HEAD_WINDOW, completeCxmlRequest, readCxmlHead } from '../../../src/protocols/cxml/parse.ts'
import { redactSecrets } from '../../../src/protocols/cxml/redact.ts'
import { orderRequest } from '../../helpers/orders.ts'

/** Large documents are masked and parsed on worker threads (docs/cxml.md, "Large documents"). */
const order = (lines: number, o: { secret?: string; brokenAtEnd?: boolean } = {}) => {
  const xml = orderRequest({
    payloadID: 'large@buyer', orderID: 'PO-LARGE', ...(o.secret ? { secret: o.secret } : {}),
    lines: Array.from({ length: lines }, (_, i) => ({ sku: `SKU-${i}`, quantity: '1', unitPrice: '1.00' })),
  })
  return Buffer.from(o.brokenAtEnd ? xml.replace('</OrderRequest>', '<Unclosed></OrderRequest>') : xml)
}

const errorOf = (result: OffThreadParse) => ('error' in result ? result.error as PunchgateError : undefined)

const parsedOf = (result: OffThreadParse) => {
  if ('error' in result) throw result.error
  return result.document
}

t.test('a large document parses on a worker to exactly what the event loop would parse', async (t) => {
  const pool = new CxmlParsePool(1)
  t.teardown(() => pool.close())
  const body = order(400)
  t.ok(body.length > HEAD_WINDOW, 'a document the route sends to the pool')
  const head = readCxmlHead(body)
  const result = await pool.parse(head, body, undefined)
  t.same(parsedOf(result), completeCxmlRequest(head, body))
  t.same(result.masked, redactSecrets(body), 'its journal bytes, masked')
  t.notOk(result.masked.includes('s3cret-shared'))
})

t.test('a refusal on the worker arrives as the same PunchgateError', async (t) => {
  const pool = new CxmlParsePool(1)
  t.teardown(() => pool.close())
  const body = order(400, { brokenAtEnd: true })
  const head = readCxmlHead(body)
  const result = await pool.parse(head, body, undefined)
  t.ok(errorOf(result) instanceof PunchgateError)
  const expected = (() => {
    try {
      completeCxmlRequest(head, body)
    } catch (err) {
      return err as PunchgateError
    }
  })()
  t.equal(errorOf(result)?.code, 'PG_ERR_CXML_MALFORMED')
  t.equal(errorOf(result)?.message, expected?.message)
  t.notOk(result.masked.includes('s3cret-shared'), 'masked even when the parse fails')
})

t.test('a whole document whose Header is not the authenticated one is refused', async (t) => {
  const pool = new CxmlParsePool(1)
  t.teardown(() => pool.close())
  const authenticated = readCxmlHead(order(400))
  const other = order(400, { secret: 'another-secret' })
  const result = await pool.parse(authenticated, other, undefined)
  t.match(errorOf(result), { code: 'PG_ERR_CXML_INVALID', message: /Header reads differently/ })
})

t.test('documents wait for a free worker and each gets its own answer', async (t) => {
  const pool = new CxmlParsePool(2)
  t.teardown(() => pool.close())
  const bodies = [100, 200, 300, 400, 500].map((n) => order(n + 300))
  const results = await Promise.all(bodies.map((b) => pool.parse(readCxmlHead(b), b, undefined)))
  t.same(results.map((r) => { const d = parsedOf(r).request; return d.kind === 'OrderRequest' ? d.items.length : 0 }), [400, 500, 600, 700, 800])
})

t.test('a worker that dies fails its document with a retryable 503, and the next document gets a new worker', async (t) => {
  // 16 MB of heap: enough for a small document, not for ~12,000 lines.
  const pool = new CxmlParsePool(1, 16)
  t.teardown(() => pool.close())
  const big = order(12_000)
  await t.rejects(pool.parse(readCxmlHead(big), big, undefined), { code: 'PG_ERR_UNAVAILABLE', message: /ERR_WORKER_OUT_OF_MEMORY/ })
  const small = order(400)
  t.equal(parsedOf(await pool.parse(readCxmlHead(small), small, undefined)).envelope.payloadID, 'large@buyer')
})

t.test('a closed pool refuses new documents', async (t) => {
  const pool = new CxmlParsePool(1)
  await pool.close()
  const body = order(400)
  await t.rejects(pool.parse(readCxmlHead(body), body, undefined), { code: 'PG_ERR_UNAVAILABLE' })
})
