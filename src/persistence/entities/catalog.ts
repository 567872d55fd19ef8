import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/** A product of the built-in reference storefront. */
export class Product {
  sku!: string
  name!: string
  description!: string
  listPrice!: string
  currency!: string
  unitOfMeasure!: string
  unspsc?: string | null
  manufacturerName?: string | null
  manufacturerPartId?: string | null
  leadTimeDays?: number | null
}

export const ProductSchema = new EntitySchema<Product>({
  class: Product,
  tableName: 'products',
  properties: {
    sku: { type: 'string', length: 100, primary: true },
    name: { type: 'string', length: 300 },
    description: { type: 'text' },
    listPrice: { type: 'decimal', precision: 14, scale: 4 },
    currency: { type: 'string', length: 3 },
    unitOfMeasure: { type: 'string', length: 10 },
    unspsc: { type: 'string', length: 20, nullable: true },
    manufacturerName: { type: 'string', length: 200, nullable: true },
    manufacturerPartId: { type: 'string', length: 200, nullable: true },
    leadTimeDays: { type: 'integer', nullable: true },
  },
})

/**
 * A customer's contract price for a product: valid from/to (dates, inclusive; null: open) and
 * from a minimum quantity (quantity breaks). Several per SKU; src/domain/pricing refuses overlaps.
 */
export class ContractPrice {
  id!: string
  customerId!: string
  sku!: string
  unitPrice!: string
  currency!: string
  /**
   * Written as `YYYY-MM-DD`; read them as text (src/domain/pricing/store.ts): the drivers parse a
   * date column into a Date at local midnight, which shifts the day outside UTC.
   */
  validFrom?: string | null
  validTo?: string | null
  /** The price applies from this quantity on; 0 (the default): any quantity. */
  minQuantity?: string
}

export const ContractPriceSchema = new EntitySchema<ContractPrice>({
  class: ContractPrice,
  tableName: 'contract_prices',
  indexes: [{ properties: ['customerId', 'sku'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'cascade' }),
    sku: foreignKey({ entity: 'Product', column: 'sku', onDelete: 'cascade' }),
    unitPrice: { type: 'decimal', precision: 14, scale: 4 },
    currency: { type: 'string', length: 3 },
    validFrom: { type: 'string', columnType: 'date', nullable: true },
    validTo: { type: 'string', columnType: 'date', nullable: true },
    minQuantity: { type: 'decimal', precision: 14, scale: 3, default: 0 },
  },
})

/** The built-in storefront's cart, one row per product, per punchout session. */
export class ShopCartLine {
  id!: string
  sessionId!: string
  sku!: string
  quantity!: string
}

export const ShopCartLineSchema = new EntitySchema<ShopCartLine>({
  class: ShopCartLine,
  tableName: 'shop_cart_lines',
  uniques: [{ properties: ['sessionId', 'sku'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    sessionId: foreignKey({ entity: 'PunchoutSession', column: 'session_id', onDelete: 'cascade' }),
    sku: foreignKey({ entity: 'Product', column: 'sku', onDelete: 'no action' }),
    quantity: { type: 'decimal', precision: 14, scale: 3 },
  },
})
