import { PunchgateError } from '../../errors/index.ts'
import type { Customer, OrderLine } from '../../persistence/entities/index.ts'
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

/** Refuses the order when the customer's policy says so, naming every offending line. */
export function refuseOnMismatch(check: OrderPriceCheck): void {
  if (!refusesOrder(check)) return
  const offending = check.lines.filter((l) => l.result === 'mismatch').map(describe)
  throw new PunchgateError('PG_ERR_ORDER_PRICE_MISMATCH', `The order is refused: ${offending.length} line(s) differ from the agreed prices of ${check.day} beyond the tolerance of ${check.tolerancePercent} %. ${offending.join('; ')}.`)
}

function describe(l: OrderLineCheck): string {
  const name = `ItemOut ${l.line}${l.lineNumber === null ? '' : ` (lineNumber ${l.lineNumber})`} SKU ${l.sku}`
  const expected = `${l.expected.unitPrice} ${l.expected.currency} (${l.expected.source} price)`
  return `${name}: ordered ${l.unitPrice} ${l.currency ?? '(no currency)'}, expected ${expected}`
}
