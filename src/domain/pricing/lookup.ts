import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { Product } from '../../persistence/entities/index.ts'
import type { Actor } from '../audit/audit.ts'
import { getCustomer } from '../customers/manage.ts'
import { checkLine, expectedPrice, type ExpectedPrice, type LineCheck, type PriceBook } from './check.ts'
import { formatDecimal } from './decimal.ts'
import { priceView, type PriceView } from './manage.ts'
import { isoDay, validOn } from './price-list.ts'
import { contractEntries, lastSeenLine } from './store.ts'

/**
 * A price confirmed on the phone (docs/api.md, "Contract prices and price checks"): for a
 * customer and a SKU, the contract prices with their validity, the list price, the price in force
 * today, and the price the buyer last saw in a returned cart checked against what was in force
 * on the day that cart was returned, and against today's price.
 */
export interface PriceLookup {
  sku: string
  day: string
  listPrice: { unitPrice: string; currency: string } | null
  contractPrices: Array<PriceView & { validToday: boolean }>
  /** What the customer pays today for the smallest quantity (the contract price, else the list price). */
  inForce: ExpectedPrice
  lastSeen: null | {
    cartId: string
    sessionId: string
    at: string
    quantity: string
    unitPrice: string
    currency: string | null
    /** The line checked at the time of its cart. */
    thenCheck: LineCheck
    /** The same quantity checked at today's prices: do they still agree? */
    todayCheck: LineCheck
  }
}

export async function lookupPrice(em: SqlEntityManager, actor: Actor, customerId: string, sku: string, now: Date): Promise<PriceLookup> {
  const customer = await getCustomer(em, actor, customerId)
  const contracts = await contractEntries(em, customerId, sku)
  const product = await em.findOne(Product, { sku })
  const seen = await lastSeenLine(em, customerId, sku)
  const book: PriceBook = { contracts, list: product ? [{ sku, listPrice: product.listPrice, currency: product.currency }] : [] }
  const day = isoDay(now)
  const tolerance = customer.priceTolerance ?? 0
  return {
    sku, day,
    listPrice: product ? { unitPrice: formatDecimal(product.listPrice), currency: product.currency } : null,
    contractPrices: contracts.map((c) => ({ ...priceView(c), validToday: validOn(c, day) })),
    inForce: expectedPrice(book, sku, day),
    lastSeen: seen
      ? {
          cartId: seen.cartId, sessionId: seen.sessionId, at: seen.at,
          quantity: formatDecimal(seen.line.quantity, 0), unitPrice: formatDecimal(seen.line.unitPrice), currency: seen.line.currency,
          thenCheck: checkLine(book, seen.line, 1, isoDay(new Date(seen.at)), tolerance),
          todayCheck: checkLine(book, seen.line, 1, day, tolerance),
        }
      : null,
  }
}
