import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { CartItemInput } from '../../../../schemas/api/cart.ts'
import { customerPrice, searchWords, type CatalogAdapter, type CatalogItem } from '../../../domain/catalog/catalog.ts'
import { ContractPrice, Product, ShopCartLine } from '../../../persistence/entities/index.ts'

export interface PricedProduct {
  product: Product
  price: number
  contract: boolean
}

/** Products with the price this buyer sees: the contract price where set and permitted. */
export async function pricedCatalog(em: SqlEntityManager, customerId: string, showContract: boolean): Promise<PricedProduct[]> {
  const [products, contracts] = await Promise.all([
    em.find(Product, {}, { orderBy: { sku: 'asc' } }),
    showContract ? em.find(ContractPrice, { customerId }) : Promise.resolve([] as ContractPrice[]),
  ])
  const bySku = new Map(contracts.map((c) => [c.sku, c.unitPrice]))
  return products.map((product) => {
    const { unitPrice, contract } = customerPrice(product.listPrice, bySku.get(product.sku))
    return { product, price: unitPrice, contract }
  })
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

/** Edit and inspect sessions start from the lines the buyer system sent back (ItemOut). */
export async function restoreCart(em: SqlEntityManager, sessionId: string, items: Array<{ supplierPartID: string; quantity: string }>): Promise<string[]> {
  const skus = new Set((await em.find(Product, { sku: { $in: items.map((i) => i.supplierPartID) } })).map((p) => p.sku))
  const dropped: string[] = []
  for (const item of items) {
    const quantity = Number(item.quantity)
    if (skus.has(item.supplierPartID) && quantity > 0) await setQuantity(em, sessionId, item.supplierPartID, quantity)
    else dropped.push(item.supplierPartID)
  }
  return dropped
}

/** The cart as the gateway's cart-return API takes it. */
export function toCartItems(lines: ShopCartLine[], catalog: PricedProduct[]): CartItemInput[] {
  const bySku = new Map(catalog.map((p) => [p.product.sku, p]))
  return lines.flatMap((line) => {
    const priced = bySku.get(line.sku)
    if (!priced) return []
    const p = priced.product
    return [{
      sku: p.sku,
      quantity: Number(line.quantity),
      unitPrice: priced.price,
      currency: p.currency,
      description: p.name === p.description ? p.name : `${p.name} - ${p.description}`,
      unitOfMeasure: p.unitOfMeasure,
      ...(p.unspsc ? { classification: p.unspsc } : {}),
      ...(p.leadTimeDays != null ? { leadTimeDays: p.leadTimeDays } : {}),
      ...(p.manufacturerName ? { manufacturerName: p.manufacturerName } : {}),
      ...(p.manufacturerPartId ? { manufacturerPartId: p.manufacturerPartId } : {}),
    }]
  })
}
