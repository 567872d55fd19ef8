import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { CartItemInput } from '../../../../schemas/api/cart.ts'
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
  const bySku = new Map(contracts.map((c) => [c.sku, c]))
  return products.map((product) => {
    const contract = bySku.get(product.sku)
    return { product, price: Number(contract?.unitPrice ?? product.listPrice), contract: Boolean(contract) }
  })
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
