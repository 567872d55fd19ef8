import { toUnits } from './decimal.ts'

/**
 * A customer's contract prices and how one is chosen (docs/api.md, "Contract prices and price
 * checks"): for a SKU on a day and a quantity, the price valid that day (validity dates inclusive,
 * null: open) with the highest minimum quantity not above the quantity. Overlapping prices (same
 * SKU and minimum quantity, validities sharing a day) are refused when written, so the choice is
 * unambiguous; so are prices of one SKU in two currencies at the same time.
 */
export interface PriceEntry {
  id?: string
  sku: string
  unitPrice: string
  currency: string
  validFrom: string | null
  validTo: string | null
  minQuantity: string
}

/** The day (UTC) a moment falls on, as `YYYY-MM-DD`: validity dates are compared as such. */
export const isoDay = (at: Date): string => at.toISOString().slice(0, 10)

export const validOn = (p: Pick<PriceEntry, 'validFrom' | 'validTo'>, day: string): boolean =>
  (p.validFrom === null || p.validFrom <= day) && (p.validTo === null || p.validTo >= day)

/**
 * The contract price of `sku` in force on `day` for `quantity`; without a quantity, the one for
 * the smallest quantity (what a catalog shows before anything is in the cart).
 */
export function contractPriceFor(entries: readonly PriceEntry[], sku: string, day: string, quantity?: string | number): PriceEntry | undefined {
  return tierFor(entries.filter((p) => p.sku === sku && validOn(p, day)), quantity)
}

/** Among prices of one SKU valid at one time: the quantity break for `quantity` (the smallest without one). */
export function tierFor(entries: readonly PriceEntry[], quantity?: string | number): PriceEntry | undefined {
  const wanted = quantity === undefined ? undefined : toUnits(quantity)
  const candidates = entries
    .filter((p) => wanted === undefined || toUnits(p.minQuantity) <= wanted)
    .sort((a, b) => compare(toUnits(a.minQuantity), toUnits(b.minQuantity)))
  return wanted === undefined ? candidates[0] : candidates.at(-1)
}

const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0)

const periodsMeet = (a: PriceEntry, b: PriceEntry): boolean =>
  (a.validFrom === null || b.validTo === null || a.validFrom <= b.validTo) &&
  (b.validFrom === null || a.validTo === null || b.validFrom <= a.validTo)

const period = (p: PriceEntry) => `${p.validFrom ?? 'always'} to ${p.validTo ?? 'open end'}`

/** Why `candidate` cannot join `existing` (another of the same customer), or undefined when it can. */
export function conflictWith(candidate: PriceEntry, existing: PriceEntry): string | undefined {
  if (candidate.sku !== existing.sku || (candidate.id !== undefined && candidate.id === existing.id) || !periodsMeet(candidate, existing)) return undefined
  if (candidate.currency !== existing.currency) {
    return `${candidate.sku} has a price in ${existing.currency} valid ${period(existing)}; one SKU has one currency at a time`
  }
  if (toUnits(candidate.minQuantity) === toUnits(existing.minQuantity)) {
    return `overlaps the price of ${candidate.sku} from quantity ${existing.minQuantity} valid ${period(existing)}`
  }
  return undefined
}

/** The first conflict of `candidate` with any of `entries`. */
export const firstConflict = (candidate: PriceEntry, entries: readonly PriceEntry[]): string | undefined =>
  entries.map((e) => conflictWith(candidate, e)).find((reason) => reason !== undefined)
