import { beyondTolerance, deviationPercent, formatDecimal, toUnits } from './decimal.ts'
import { contractPriceFor, isoDay, type PriceEntry } from './price-list.ts'

/**
 * Price checks (docs/api.md, "Contract prices and price checks"), pure: each line of a returned
 * cart (and, later, of an OrderRequest) against the price the customer should pay at that time for
 * that quantity — the contract price, else the list price, else no price is known. A deviation
 * beyond the customer's tolerance, or another currency, is a mismatch. What a mismatch does is
 * the caller's business: carts are only recorded; `refusesOrder` tells an order intake to refuse.
 */

export type PricePolicy = 'record' | 'refuse'
export const PRICE_POLICIES = ['record', 'refuse'] as const satisfies readonly PricePolicy[]

export interface ListPrice {
  sku: string
  listPrice: string
  currency: string
}

/** What the check knows of a customer's prices: contract prices and list prices of the SKUs at hand. */
export interface PriceBook {
  contracts: readonly PriceEntry[]
  list: readonly ListPrice[]
}

export interface PricedLine {
  sku: string
  quantity: number | string
  unitPrice: number | string
  currency: string | null
}

export interface ExpectedPrice {
  source: 'contract' | 'list' | 'none'
  unitPrice?: string
  currency?: string
  /** The contract price's minimum quantity and validity. */
  minQuantity?: string
  validFrom?: string | null
  validTo?: string | null
}

export interface LineCheck {
  line: number
  sku: string
  quantity: string
  unitPrice: string
  currency: string | null
  expected: ExpectedPrice
  /** (price - expected) / expected in percent; absent when unknown or expected is zero. */
  deviationPercent?: string
  result: 'ok' | 'mismatch' | 'unknown'
  reason?: string
}

export interface PriceCheck {
  day: string
  tolerancePercent: string
  policy: PricePolicy
  lines: LineCheck[]
  mismatches: number
  unknown: number
}

/** The price a customer should pay for `sku` on `day` for `quantity` (the smallest quantity when absent). */
export function expectedPrice(book: PriceBook, sku: string, day: string, quantity?: string | number): ExpectedPrice {
  const contract = contractPriceFor(book.contracts, sku, day, quantity)
  if (contract) {
    return {
      source: 'contract', unitPrice: formatDecimal(contract.unitPrice), currency: contract.currency,
      minQuantity: formatDecimal(contract.minQuantity, 0), validFrom: contract.validFrom, validTo: contract.validTo,
    }
  }
  const list = book.list.find((p) => p.sku === sku)
  return list ? { source: 'list', unitPrice: formatDecimal(list.listPrice), currency: list.currency } : { source: 'none' }
}

/** One line against its expected price; `line` is its 1-based number. */
export function checkLine(book: PriceBook, item: PricedLine, line: number, day: string, tolerancePercent: string | number): LineCheck {
  const expected = expectedPrice(book, item.sku, day, item.quantity)
  const base = {
    line, sku: item.sku, quantity: formatDecimal(item.quantity, 0), unitPrice: formatDecimal(item.unitPrice), currency: item.currency, expected,
  }
  if (expected.source === 'none') return { ...base, result: 'unknown', reason: 'no contract or list price known' }
  const price = toUnits(item.unitPrice)
  const wanted = toUnits(expected.unitPrice!)
  const deviation = deviationPercent(price, wanted)
  const withDeviation = deviation === null ? base : { ...base, deviationPercent: deviation }
  if (item.currency !== expected.currency) {
    return { ...withDeviation, result: 'mismatch', reason: `currency ${item.currency ?? 'none'}, expected ${expected.currency}` }
  }
  if (beyondTolerance(price, wanted, toUnits(tolerancePercent))) {
    return { ...withDeviation, result: 'mismatch', reason: `${base.unitPrice} ${item.currency}, expected ${expected.unitPrice} (${expected.source} price)` }
  }
  return { ...withDeviation, result: 'ok' }
}

/** Every line of a cart or order, checked at `at` with the customer's tolerance and policy. */
export function checkPrices(
  book: PriceBook,
  items: readonly PricedLine[],
  at: Date,
  customer: { priceTolerance?: string | number | null; pricePolicy?: PricePolicy | null },
): PriceCheck {
  const day = isoDay(at)
  const tolerance = customer.priceTolerance ?? 0
  const lines = items.map((item, i) => checkLine(book, item, i + 1, day, tolerance))
  return {
    day, tolerancePercent: formatDecimal(tolerance, 0), policy: customer.pricePolicy ?? 'record', lines,
    mismatches: lines.filter((l) => l.result === 'mismatch').length,
    unknown: lines.filter((l) => l.result === 'unknown').length,
  }
}

/** Whether an order with this check is refused: a mismatch under the `refuse` policy. */
export const refusesOrder = (check: PriceCheck): boolean => check.policy === 'refuse' && check.mismatches > 0
