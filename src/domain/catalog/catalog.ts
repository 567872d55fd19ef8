/**
 * Catalog lookups the gateway makes on its own, without a shopper in a storefront: the OCI
 * background FUNCTIONs (VALIDATE re-prices one product, BACKGROUND_SEARCH returns search hits;
 * protocol.md §10). Behind an interface, like the storefront adapters, so an external storefront
 * can answer them from its own catalog later; the built-in one reads `products` and
 * `contract_prices`.
 */
import type { SqlEntityManager } from '@mikro-orm/postgresql'

/** A product as the buyer's organization would pay for it. */
export interface CatalogItem {
  sku: string
  name: string
  description: string
  /** The customer's contract price where one is set, else the list price; per `unitOfMeasure`. */
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

/** LIKE treats `%`, `_` and the escape character as wildcards; a buyer's text is literal. */
const likePattern = (word: string): string => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

interface ProductRow {
  sku: string
  name: string
  description: string
  list_price: string
  contract_price: string | null
  currency: string
  unit_of_measure: string
  unspsc: string | null
  manufacturer_name: string | null
  manufacturer_part_id: string | null
  lead_time_days: number | null
}

const SELECT = `select p.sku, p.name, p.description, p.list_price, c.unit_price as contract_price, p.currency,
  p.unit_of_measure, p.unspsc, p.manufacturer_name, p.manufacturer_part_id, p.lead_time_days
  from products p left join contract_prices c on c.sku = p.sku and c.customer_id = ?`

function toItem(row: ProductRow): CatalogItem {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    unitPrice: Number(row.contract_price ?? row.list_price),
    currency: row.currency,
    unitOfMeasure: row.unit_of_measure,
    contract: row.contract_price !== null,
    ...(row.unspsc ? { unspsc: row.unspsc } : {}),
    ...(row.manufacturer_name ? { manufacturerName: row.manufacturer_name } : {}),
    ...(row.manufacturer_part_id ? { manufacturerPartId: row.manufacturer_part_id } : {}),
    ...(row.lead_time_days !== null ? { leadTimeDays: Number(row.lead_time_days) } : {}),
  }
}

/**
 * MikroORM inlines the (escaped) values before the driver sees the SQL, and the PGlite knex
 * dialect runs any SQL containing `;` — even inside a quoted value such as a search for `a;b` —
 * as a batch that answers one row list per statement. The batch is still one statement.
 */
function rowsOf(result: ProductRow[] | ProductRow[][]): ProductRow[] {
  return result.length > 0 && Array.isArray(result[0]) ? (result.at(-1) as ProductRow[]) : (result as ProductRow[])
}

/** The built-in catalog: the reference storefront's tables, every value bound as a parameter. */
export function builtinCatalog(em: SqlEntityManager): CatalogAdapter {
  return {
    async product(customerId, sku) {
      const rows = rowsOf(await em.execute(`${SELECT} where p.sku = ?`, [customerId, sku]))
      return rows[0] ? toItem(rows[0]) : undefined
    },
    async search(customerId, text, limit) {
      const words = searchWords(text)
      if (words.length === 0 || limit <= 0) return []
      const clause = words.map(() => `(p.sku ilike ? escape '\\' or p.name ilike ? escape '\\' or p.description ilike ? escape '\\')`)
      const params = words.flatMap((w) => [likePattern(w), likePattern(w), likePattern(w)])
      const rows = rowsOf(await em.execute(`${SELECT} where ${clause.join(' and ')} order by p.sku limit ?`, [customerId, ...params, Math.floor(limit)]))
      return rows.map(toItem)
    },
  }
}
