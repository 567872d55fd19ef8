/**
 * The largest documents a known buyer may send, for `--soak-hostile` (bench/README.md, "Hostile
 * soak"; scenario F3 cart-max-allowed in docs/security.md): an OrderRequest just under the cXML
 * body limit (~12,000 lines) and a storefront cart of the most lines the cart API takes. They are
 * good traffic — authenticated, valid, answered 200 — whose cost is in parsing, checking and
 * writing megabytes while the small requests around them must still be answered promptly.
 */
import autocannon from 'autocannon'
import { cartBody, orderBody, type Fixture } from './fixture.ts'
import type { BenchContext } from './scenarios.ts'

/** The cart API's limit on lines (schemas/api/cart.ts). */
export const MAX_CART_LINES = 2000
/** Large requests in flight at once, and how many start per second across them. */
const LARGE_CONNECTIONS = 3
const LARGE_PER_SECOND = 1

/** A `new` OrderRequest of as many lines as fit in `maxBytes`; `id` makes payloadID and orderID unique. */
export function largeOrderBody(fx: Fixture, id: string, maxBytes: number): string {
  const five = orderBody(fx, id)
  const first = five.indexOf('<ItemOut')
  const last = five.lastIndexOf('</ItemOut>') + '</ItemOut>'.length
  const line = five.slice(first, five.indexOf('</ItemOut>') + '</ItemOut>'.length)
  const count = Math.floor((maxBytes - (five.length - (last - first))) / (line.length + 1))
  const lines = Array.from({ length: count }, (_, i) => line.replace('lineNumber="1"', `lineNumber="${i + 1}"`)).join('\n')
  // One SKU and price on every line: the order's Total is that line's amount times the count.
  const total = (9.95 * count).toFixed(2)
  return five.slice(0, first).replace(/<Total><Money currency="EUR">[^<]*</, `<Total><Money currency="EUR">${total}<`) + lines + five.slice(last)
}

export interface LargeTally {
  note(kind: string, channel: string, status: number, payloadId?: string): void
}

/** Largest orders and carts in turn on LARGE_CONNECTIONS connections, LARGE_PER_SECOND of them a second. */
export function largeTraffic(ctx: BenchContext, tally: LargeTally, seconds: number, cxmlLimit: number): autocannon.Instance {
  let n = 0
  const cart = cartBody(MAX_CART_LINES)
  return autocannon({
    url: ctx.gateway.url, connections: LARGE_CONNECTIONS, overallRate: LARGE_PER_SECOND, duration: seconds, timeout: 60,
    requests: [{
      setupRequest: (req, shared): autocannon.Request => {
        const context = shared as { kind?: string; payloadId?: string }
        const i = ++n
        if (i % 2 === 1) {
          const id = `large.${ctx.runId}.${i}`
          Object.assign(context, { kind: 'large order', payloadId: `${id}@buyer.example.com` })
          return { ...req, method: 'POST', path: '/punchout/cxml', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: largeOrderBody(ctx.fx, id, cxmlLimit - 64 * 1024) }
        }
        Object.assign(context, { kind: 'large cart', payloadId: undefined })
        return {
          ...req, method: 'POST', path: `/punchout/sessions/${ctx.cartSessions[i % ctx.cartSessions.length]}/cart`, body: cart,
          headers: { authorization: `Bearer ${ctx.storefrontToken}`, 'content-type': 'application/json', accept: 'application/json' },
        }
      },
      onResponse: (status, _body, shared) => {
        const context = shared as { kind: string; payloadId?: string }
        tally.note(context.kind, context.kind === 'large order' ? 'cxml' : 'cart', status, context.payloadId)
      },
    }],
  })
}
