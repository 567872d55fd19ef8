import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { PriceBook } from './check.ts'
import type { PriceEntry } from './price-list.ts'

/**
 * The prices a cart return or an OrderRequest checks against (Deps.prices): read by session or by
 * customer, so neither needs an earlier read and each runs beside the hot path's other read.
 */
export interface PriceBooks {
  /** The contract and list prices of `skus` for the customer of `sessionId`, in one statement; none without SKUs. */
  forSession(sessionId: string, skus: readonly string[]): Promise<PriceBook>
  /** The same for `customerId` (an OrderRequest's authenticated customer). */
  forCustomer(customerId: string, skus: readonly string[]): Promise<PriceBook>
}

/** Decimals and dates as text in the JSON, so nothing passes through a binary float. */
const CONTRACT_JSON = `json_build_object('id', c.id, 'sku', c.sku, 'unitPrice', c.unit_price::text, 'currency', c.currency,
  'validFrom', c.valid_from::text, 'validTo', c.valid_to::text, 'minQuantity', c.min_quantity::text)`

/**
 * MikroORM inlines the escaped values, and the PGlite dialect runs SQL containing `;` (even
 * inside a quoted value, e.g. a SKU) as a batch answering one row list per statement
 * (as src/adapters/storefront/builtin/catalog.ts notes). The batch is still one statement.
 */
function rowsOf<T>(result: T[] | T[][]): T[] {
  return result.length > 0 && Array.isArray(result[0]) ? (result.at(-1) as T[]) : (result as T[])
}

/** The customer's contract prices (`customerOf`: a subquery naming the customer, with its one parameter) and the list prices. */
async function readBook(em: SqlEntityManager, customerOf: string, key: string, skus: readonly string[]): Promise<PriceBook> {
  const unique = [...new Set(skus)]
  if (unique.length === 0) return { contracts: [], list: [] }
  const marks = unique.map(() => '?').join(', ')
  const [row] = rowsOf(await em.execute<Array<{ contracts: PriceEntry[]; list: PriceBook['list'] }>>(
    `select
       (select coalesce(json_agg(${CONTRACT_JSON}), '[]'::json) from contract_prices c
          where c.customer_id = (${customerOf}) and c.sku in (${marks})) as contracts,
       (select coalesce(json_agg(json_build_object('sku', p.sku, 'listPrice', p.list_price::text, 'currency', p.currency)), '[]'::json)
          from products p where p.sku in (${marks})) as list`,
    [key, ...unique, ...unique],
  ))
  return { contracts: row?.contracts ?? [], list: row?.list ?? [] }
}

export function sqlPriceBooks(em: () => SqlEntityManager): PriceBooks {
  return {
    forSession: (sessionId, skus) => readBook(em(), 'select s.customer_id from punchout_sessions s where s.id = ?', sessionId, skus),
    forCustomer: (customerId, skus) => readBook(em(), 'select ?::uuid', customerId, skus),
  }
}

/** A customer's contract prices of one SKU (every SKU when absent), as the pricing rules take them. */
export async function contractEntries(em: SqlEntityManager, customerId: string, sku?: string): Promise<PriceEntry[]> {
  const rows = rowsOf(await em.execute<Array<{ entry: PriceEntry }>>(
    `select ${CONTRACT_JSON} as entry from contract_prices c where c.customer_id = ?${sku === undefined ? '' : ' and c.sku = ?'}
      order by c.sku, c.min_quantity, c.valid_from nulls first`,
    sku === undefined ? [customerId] : [customerId, sku],
  ))
  return rows.map((r) => r.entry)
}

/** One contract price of a customer, or undefined. */
export async function contractEntry(em: SqlEntityManager, customerId: string, id: string): Promise<PriceEntry | undefined> {
  const rows = rowsOf(await em.execute<Array<{ entry: PriceEntry }>>(`select ${CONTRACT_JSON} as entry from contract_prices c where c.customer_id = ? and c.id = ?`, [customerId, id]))
  return rows[0]?.entry
}

export interface SeenLine {
  cartId: string
  sessionId: string
  at: string
  line: { sku: string; quantity: number; unitPrice: number; currency: string | null }
}

/** The newest returned cart line of `sku` among the customer's carts (the cart's last such line). */
export async function lastSeenLine(em: SqlEntityManager, customerId: string, sku: string): Promise<SeenLine | undefined> {
  const [row] = rowsOf(await em.execute<Array<{ cart_id: string; session_id: string; at: Date | string; line: SeenLine['line'] }>>(
    `select c.id as cart_id, c.session_id, c.created_at as at, l.value as line
       from carts c join punchout_sessions s on s.id = c.session_id, jsonb_array_elements(c.lines) with ordinality as l(value, n)
      where s.customer_id = ? and l.value->>'sku' = ?
      order by c.created_at desc, c.id, l.n desc limit 1`,
    [customerId, sku],
  ))
  return row ? { cartId: row.cart_id, sessionId: row.session_id, at: new Date(row.at).toISOString(), line: row.line } : undefined
}
