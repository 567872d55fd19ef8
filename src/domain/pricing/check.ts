import { beyondTolerance, deviationPercent, formatDecimal, toUnits } from './decimal.ts'
import { contractPriceFor, isoDay, validOn, type PriceEntry } from './price-list.ts'

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

/**
 * A returned cart's price check as its timeline keeps it: the counts, and only the lines that do
 * not agree (a 200-line cart that agrees is a small event). `checked` is the number of lines.
 */
export interface CartPriceCheck extends Omit<PriceCheck, 'lines'> {
  checked: number
  lines: LineCheck[]
}

/** A contract price with its numbers read once per check; numbers order and compare these decimals exactly (at most 15 digits). */
interface Tier {
  minQuantity: number
  unitPrice: number
  currency: string
}

/**
 * Every line of a returned cart, checked at `at`. The common case — the line carries the price in
 * force — is decided on the numbers as sent, with the customer's prices indexed by SKU once; only
 * a line that does not agree at once goes through `checkLine` (exact decimals, deviation, reason),
 * so a cart that agrees costs no decimal arithmetic per line.
 */
export function checkCartPrices(
  book: PriceBook,
  items: readonly PricedLine[],
  at: Date,
  customer: { priceTolerance?: string | number | null; pricePolicy?: PricePolicy | null },
): CartPriceCheck {
  const day = isoDay(at)
  const tolerance = customer.priceTolerance ?? 0
  const contracts = groupBySku(book.contracts)
  const tiers = new Map<string, Tier[]>()
  for (const [sku, entries] of contracts) {
    tiers.set(sku, entries.filter((p) => validOn(p, day)).map((p) => ({ minQuantity: Number(p.minQuantity), unitPrice: Number(p.unitPrice), currency: p.currency })))
  }
  const list = new Map(book.list.map((p) => [p.sku, p]))
  const lines: LineCheck[] = []
  items.forEach((item, i) => {
    if (agreesAtOnce(item, tiers.get(item.sku), list.get(item.sku))) return
    const listPrice = list.get(item.sku)
    const narrow: PriceBook = { contracts: contracts.get(item.sku) ?? [], list: listPrice ? [listPrice] : [] }
    const check = checkLine(narrow, item, i + 1, day, tolerance)
    if (check.result !== 'ok') lines.push(check)
  })
  return {
    day, tolerancePercent: formatDecimal(tolerance, 0), policy: customer.pricePolicy ?? 'record', checked: items.length, lines,
    mismatches: lines.filter((l) => l.result === 'mismatch').length,
    unknown: lines.filter((l) => l.result === 'unknown').length,
  }
}

function groupBySku(entries: readonly PriceEntry[]): Map<string, PriceEntry[]> {
  const by = new Map<string, PriceEntry[]>()
  for (const e of entries) {
    const list = by.get(e.sku)
    if (list) list.push(e)
    else by.set(e.sku, [e])
  }
  return by
}

/** The line's price and currency are exactly those expected (the quantity break as `tierFor` picks it, else the list price). */
function agreesAtOnce(item: PricedLine, tiers: Tier[] | undefined, list: ListPrice | undefined): boolean {
  const quantity = Number(item.quantity)
  let tier: Tier | undefined
  for (const t of tiers ?? []) if (t.minQuantity <= quantity && (!tier || t.minQuantity > tier.minQuantity)) tier = t
  const expected = tier ?? (list ? { unitPrice: Number(list.listPrice), currency: list.currency } : undefined)
  return expected !== undefined && expected.currency === item.currency && expected.unitPrice === Number(item.unitPrice)
}

/** Whether an order with this check is refused: a mismatch under the `refuse` policy. */
export const refusesOrder = (check: PriceCheck): boolean => check.policy === 'refuse' && check.mismatches > 0
