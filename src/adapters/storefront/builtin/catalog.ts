import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { CartItemInput } from '../../../../schemas/api/cart.ts'
import { customerPrice, searchWords, type CatalogAdapter, type CatalogItem } from '../../../domain/catalog/catalog.ts'
import { Product, ShopCartLine, ShopKeptLine } from '../../../persistence/entities/index.ts'
import { contractPriceFor, isoDay, tierFor, validOn, type PriceEntry } from '../../../domain/pricing/price-list.ts'
import { contractEntries } from '../../../domain/pricing/store.ts'
import type { ItemOut } from '../../../protocols/cxml/types.ts'

export interface PricedProduct {
  product: Product
  /** The price shown: for the smallest quantity. */
  price: number
  contract: boolean
  /** The contract prices valid today (quantity breaks): a cart line is priced for its quantity. */
  tiers: PriceEntry[]
}

/** Products with the price this buyer sees: the contract price valid today where set and permitted. */
export async function pricedCatalog(em: SqlEntityManager, customerId: string, showContract: boolean, now: Date): Promise<PricedProduct[]> {
  const day = isoDay(now)
  const [products, contracts] = await Promise.all([
    em.find(Product, {}, { orderBy: { sku: 'asc' } }),
    showContract ? contractEntries(em, customerId) : Promise.resolve([]),
  ])
  const valid = contracts.filter((c) => validOn(c, day))
  return products.map((product) => {
    const tiers = valid.filter((c) => c.sku === product.sku)
    const { unitPrice, contract } = customerPrice(product.listPrice, contractPriceFor(tiers, product.sku, day)?.unitPrice)
    return { product, price: unitPrice, contract, tiers }
  })
}

/** The price of a cart line: the quantity break that applies (docs/api.md, "Contract prices and price checks"), else the shown price. */
function linePrice(priced: PricedProduct, quantity: string): number {
  const tier = tierFor(priced.tiers, quantity)
  return tier ? Number(tier.unitPrice) : priced.price
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

/** The contract price valid on the day (bound), for the smallest quantity: what the catalog shows. */
const SELECT = `select p.sku, p.name, p.description, p.list_price, c.unit_price as contract_price, p.currency,
  p.unit_of_measure, p.unspsc, p.manufacturer_name, p.manufacturer_part_id, p.lead_time_days
  from products p left join lateral (select unit_price from contract_prices c
    where c.sku = p.sku and c.customer_id = ? and (c.valid_from is null or c.valid_from <= ?::date) and (c.valid_to is null or c.valid_to >= ?::date)
    order by c.min_quantity limit 1) c on true`

function toItem(row: ProductRow): CatalogItem {
  const { unitPrice, contract } = customerPrice(row.list_price, row.contract_price)
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    unitPrice,
    currency: row.currency,
    unitOfMeasure: row.unit_of_measure,
    contract,
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
export function builtinCatalog(em: SqlEntityManager, now: () => Date): CatalogAdapter {
  const priced = (customerId: string) => [customerId, isoDay(now()), isoDay(now())]
  return {
    async product(customerId, sku) {
      const rows = rowsOf(await em.execute(`${SELECT} where p.sku = ?`, [...priced(customerId), sku]))
      return rows[0] ? toItem(rows[0]) : undefined
    },
    async search(customerId, text, limit) {
      const words = searchWords(text)
      if (words.length === 0 || limit <= 0) return []
      const clause = words.map(() => `(p.sku ilike ? escape '\\' or p.name ilike ? escape '\\' or p.description ilike ? escape '\\')`)
      const params = words.flatMap((w) => [likePattern(w), likePattern(w), likePattern(w)])
      const rows = rowsOf(await em.execute(`${SELECT} where ${clause.join(' and ')} order by p.sku limit ?`, [...priced(customerId), ...params, Math.floor(limit)]))
      return rows.map(toItem)
    },
  }
}

export async function cartLines(em: SqlEntityManager, sessionId: string): Promise<ShopCartLine[]> {
  return em.find(ShopCartLine, { sessionId }, { orderBy: { sku: 'asc' } })
}

/** Sets a product's quantity in the cart; zero removes it. */
export async function setQuantity(em: SqlEntityManager, sessionId: string, sku: string, quantity: number): Promise<void> {
  if (quantity <= 0) {
    await em.nativeDelete(ShopCartLine, { sessionId, sku })
    return
  }
  await em.execute(
    `insert into shop_cart_lines (id, session_id, sku, quantity) values (?, ?, ?, ?)
     on conflict (session_id, sku) do update set quantity = excluded.quantity`,
    [randomUUID(), sessionId, sku, quantity],
  )
}

/** A line the buyer system sent to edit or inspect (its ItemOut, as the session keeps it). */
export type RestoredItem = Omit<ItemOut, 'lineNumber'>

/**
 * Edit and inspect sessions start from the lines the buyer system sent back (ItemOut). A line
 * of this catalog goes into the cart; any other is kept as it came (shop_kept_lines), shown in
 * the cart and returned unchanged unless the buyer removes it (docs/storefront.md, "Editing a
 * returned cart"). Returns the SKUs kept that way. Idempotent: a line is kept once per position.
 */
export async function restoreCart(em: SqlEntityManager, sessionId: string, items: RestoredItem[]): Promise<string[]> {
  const skus = new Set((await em.find(Product, { sku: { $in: items.map((i) => i.supplierPartID) } })).map((p) => p.sku))
  const kept: string[] = []
  for (const [position, item] of items.entries()) {
    const quantity = Number(item.quantity)
    if (skus.has(item.supplierPartID) && quantity > 0) {
      await setQuantity(em, sessionId, item.supplierPartID, quantity)
      continue
    }
    await em.execute(
      `insert into shop_kept_lines (id, session_id, position, item) values (?, ?, ?, ?)
       on conflict (session_id, position) do nothing`,
      [randomUUID(), sessionId, position, JSON.stringify(item)],
    )
    kept.push(item.supplierPartID)
  }
  return kept
}

export async function keptLines(em: SqlEntityManager, sessionId: string): Promise<ShopKeptLine[]> {
  return em.find(ShopKeptLine, { sessionId }, { orderBy: { position: 'asc' } })
}

/** The buyer removes a kept line; any other session's line is out of reach. */
export async function removeKeptLine(em: SqlEntityManager, sessionId: string, position: number): Promise<void> {
  await em.nativeDelete(ShopKeptLine, { sessionId, position })
}

/** What a kept line needs to go back as it came; the names of what it lacks. */
export function missingForReturn(line: ShopKeptLine): string[] {
  const item = line.item as unknown as RestoredItem
  const fields: Array<[keyof RestoredItem, string]> = [['unitPrice', 'price'], ['currency', 'currency'], ['description', 'description'], ['unitOfMeasure', 'unit of measure']]
  return fields.filter(([field]) => !item[field]).map(([, name]) => name)
}

/** A kept line, back in the cart-return API's shape with the buyer system's own values and AuxiliaryID. */
function keptItem(line: ShopKeptLine): Record<string, unknown> {
  const item = line.item as unknown as RestoredItem
  return {
    sku: item.supplierPartID,
    quantity: Number(item.quantity),
    unitPrice: Number(item.unitPrice),
    currency: item.currency,
    description: item.description,
    unitOfMeasure: item.unitOfMeasure,
    ...(item.classification ? { classification: item.classification } : {}),
    ...(item.manufacturerName ? { manufacturerName: item.manufacturerName } : {}),
    ...(item.manufacturerPartID ? { manufacturerPartId: item.manufacturerPartID } : {}),
    ...(item.supplierPartAuxiliaryID ? { auxiliaryId: item.supplierPartAuxiliaryID } : {}),
  }
}

/**
 * The cart as the gateway's cart-return API takes it: the catalog's lines, then the kept ones
 * as they came. Unvalidated: the caller parses it with the cart-return schema.
 */
export function toCartItems(lines: ShopCartLine[], catalog: PricedProduct[], kept: ShopKeptLine[] = []): Array<CartItemInput | Record<string, unknown>> {
  const bySku = new Map(catalog.map((p) => [p.product.sku, p]))
  const known = lines.flatMap((line): CartItemInput[] => {
    const priced = bySku.get(line.sku)
    if (!priced) return []
    const p = priced.product
    return [{
      sku: p.sku,
      quantity: Number(line.quantity),
      unitPrice: linePrice(priced, line.quantity),
      currency: p.currency,
      description: p.name === p.description ? p.name : `${p.name} - ${p.description}`,
      unitOfMeasure: p.unitOfMeasure,
      ...(p.unspsc ? { classification: p.unspsc } : {}),
      ...(p.leadTimeDays != null ? { leadTimeDays: p.leadTimeDays } : {}),
      ...(p.manufacturerName ? { manufacturerName: p.manufacturerName } : {}),
      ...(p.manufacturerPartId ? { manufacturerPartId: p.manufacturerPartId } : {}),
    }]
  })
  return [...known, ...kept.map(keptItem)]
}
