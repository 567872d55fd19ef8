/**
 * Catalog lookups the gateway makes on its own, without a shopper in a storefront: the OCI
 * background FUNCTIONs (VALIDATE re-prices one product, BACKGROUND_SEARCH returns search hits;
 * docs/oci.md, "FUNCTIONs"). Behind an interface, which a storefront provides (StorefrontAdapter.catalog),
 * so an external storefront can answer them from its own catalog later; the built-in one
 * (src/adapters/storefront/builtin/catalog.ts) reads `products` and `contract_prices`.
 */

/** A product as the buyer's organization would pay for it. */
export interface CatalogItem {
  sku: string
  name: string
  description: string
  /** The customer's contract price valid today (smallest quantity) where one is set, else the list price; per `unitOfMeasure`. */
  unitPrice: number
  currency: string
  unitOfMeasure: string
  /** True when `unitPrice` is a contract price. */
  contract: boolean
  unspsc?: string
  manufacturerName?: string
  manufacturerPartId?: string
  leadTimeDays?: number
}

export interface CatalogAdapter {
  /** One product by its SKU (exact match), priced for the customer; undefined when unknown. */
  product(customerId: string, sku: string): Promise<CatalogItem | undefined>
  /**
   * Products whose SKU, name or description contains every word of `text` (case-insensitive),
   * ordered by SKU, at most `limit`.
   */
  search(customerId: string, text: string, limit: number): Promise<CatalogItem[]>
}

/** At most this many words count; a search string is a few words, not a document. */
const MAX_WORDS = 10

/** The words of a search string, lower-cased, de-duplicated; empty when there is nothing to find. */
export function searchWords(text: string): string[] {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '')
  return [...new Set(words)].slice(0, MAX_WORDS)
}

/** The same rule as `CatalogAdapter.search`, for catalogs already in memory (the built-in shop page). */
export function matchesSearch(p: { sku: string; name: string; description: string }, words: string[]): boolean {
  const haystack = [p.sku, p.name, p.description].map((s) => s.toLowerCase())
  return words.every((w) => haystack.some((h) => h.includes(w)))
}

/**
 * The price a customer pays for a product: its contract price where one is set (the callers
 * choose the one valid for the day and quantity: src/domain/pricing/price-list.ts), else the list
 * price (`contract` says which). The one pricing rule of the gateway: the built-in catalog
 * (OCI VALIDATE and BACKGROUND_SEARCH) and the built-in shop both price with it.
 */
export function customerPrice(
  listPrice: string | number,
  contractPrice: string | number | null | undefined,
): { unitPrice: number; contract: boolean } {
  return contractPrice == null ? { unitPrice: Number(listPrice), contract: false } : { unitPrice: Number(contractPrice), contract: true }
}
