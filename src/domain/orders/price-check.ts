import { PunchgateError } from '../../errors/index.ts'
import type { Customer, OrderLine } from '../../persistence/entities/index.ts'
import { SessionRefusal } from '../sessions/refusal.ts'
import { checkPrices, refusesOrder, type LineCheck, type PriceBook, type PriceCheck } from '../pricing/check.ts'

/**
 * An OrderRequest's price check (docs/cxml.md, "OrderRequest"; docs/api.md, "Contract prices and
 * price checks"): every priced line against the customer's price on the order's date. A line is
 * named by its position in the document (`line`) and the buyer's lineNumber. Under the customer's
 * `refuse` policy a mismatch refuses the whole order; under `record` the check is only kept.
 */

export interface OrderLineCheck extends LineCheck {
  lineNumber: number | null
}

export interface OrderPriceCheck extends Omit<PriceCheck, 'lines'> {
  lines: OrderLineCheck[]
}

/** The day prices are taken from: the order's date when it is one, else when the order arrived. */
export function priceDate(orderDate: string | null | undefined, now: Date): Date {
  const date = orderDate ? new Date(orderDate) : undefined
  return date && !Number.isNaN(date.getTime()) ? date : now
}

/** The check of the lines that carry a price (cXML's UnitPrice); a line without one has nothing to compare. */
export function checkOrderPrices(book: PriceBook, lines: readonly OrderLine[], at: Date, customer: Pick<Customer, 'priceTolerance' | 'pricePolicy'>): OrderPriceCheck {
  const priced = lines.filter((l) => l.unitPrice != null)
  const check = checkPrices(book, priced.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice!, currency: l.currency ?? null })), at, customer)
  return { ...check, lines: check.lines.map((c, i) => ({ ...c, line: priced[i]!.position, lineNumber: priced[i]!.lineNumber ?? null })) }
}

/** The punchout session an order's lines name, where the refusal is put on the timeline. */
export interface RefusedOrderSession {
  sessionId: string
  payloadId: string
  orderId: string
  now: Date
}

/**
 * Refuses the order when the customer's policy says so, naming every offending line. With a
 * linked session the refusal is also on that session's timeline (`order.refused`, written with
 * the refusal's journal row): support following the buyer's punchout sees why no order came.
 */
export function refuseOnMismatch(check: OrderPriceCheck, linked?: RefusedOrderSession): void {
  if (!refusesOrder(check)) return
  const mismatches = check.lines.filter((l) => l.result === 'mismatch')
  const offending = mismatches.map(describe)
  const message = `The order is refused: ${offending.length} line(s) differ from the agreed prices of ${check.day} beyond the tolerance of ${check.tolerancePercent} %. ${offending.join('; ')}.`
  if (!linked) throw new PunchgateError('PG_ERR_ORDER_PRICE_MISMATCH', message)
  const { sessionId, payloadId, orderId, now } = linked
  throw new SessionRefusal('PG_ERR_ORDER_PRICE_MISMATCH', message, sessionId, {
    events: [{
      sessionId, at: now, type: 'order.refused',
      data: { code: 'PG_ERR_ORDER_PRICE_MISMATCH', payloadID: payloadId, orderID: orderId, day: check.day, tolerancePercent: check.tolerancePercent, lines: mismatches },
    }],
  })
}

function describe(l: OrderLineCheck): string {
  const name = `ItemOut ${l.line}${l.lineNumber === null ? '' : ` (lineNumber ${l.lineNumber})`} SKU ${l.sku}`
  const expected = `${l.expected.unitPrice} ${l.expected.currency} (${l.expected.source} price)`
  return `${name}: ordered ${l.unitPrice} ${l.currency ?? '(no currency)'}, expected ${expected}`
}
