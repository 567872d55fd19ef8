import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

export type OrderType = 'new' | 'update' | 'delete'
/** received: the order's current version; replaced: an update superseded it; cancelled: deleted. */
export type OrderStatus = 'received' | 'replaced' | 'cancelled'

/** How an order differs from the cart returned in its punchout session (docs/cxml.md, "OrderRequest"). */
export interface OrderDifference {
  kind: 'quantity' | 'price' | 'currency' | 'added' | 'removed' | 'unlinked'
  auxiliaryId?: string
  sku?: string
  cart?: string
  order?: string
}

/** A cXML OrderRequest as received: one row per document, idempotent per (customer, payloadID). */
export class Order {
  id!: string
  customerId!: string
  payloadId!: string
  orderId!: string
  type!: OrderType
  status!: OrderStatus
  orderDate?: string | null
  total?: string | null
  currency?: string | null
  deploymentMode!: 'production' | 'test'
  shipTo?: unknown
  billTo?: unknown
  comments?: string | null
  /** The journal row that holds the raw document (secrets masked). */
  journalEntryId?: string | null
  sessionId?: string | null
  cartId?: string | null
  differences!: OrderDifference[]
  /** The lines' price check (src/domain/pricing/check.ts); null for a cancellation. */
  priceCheck?: unknown
  /** The agent who placed it on the buyer's behalf (docs/api.md, "Order on behalf"); null for an OrderRequest. */
  onBehalfAgent?: string | null
  /** SHA-256 of what the OrderRequest says (src/domain/orders/fingerprint.ts): a repeat of its payloadID must say the same. */
  fingerprint?: string | null
  createdAt!: Date
}

export const OrderSchema = new EntitySchema<Order>({
  class: Order,
  tableName: 'orders',
  uniques: [{ properties: ['customerId', 'payloadId'] }],
  indexes: [
    { name: 'orders_new_order_id_unique', expression: `create unique index "orders_new_order_id_unique" on "orders" ("customer_id", "order_id") where "type" = 'new'` },
    { properties: ['customerId', 'orderId'] },
    { properties: ['createdAt', 'id'] },
    { properties: ['sessionId'] },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'no action' }),
    payloadId: { type: 'string', length: 400 },
    orderId: { type: 'string', length: 200 },
    type: { type: 'string', length: 10 },
    status: { type: 'string', length: 20 },
    orderDate: { type: 'string', length: 64, nullable: true },
    total: { type: 'decimal', precision: 18, scale: 4, nullable: true },
    currency: { type: 'string', length: 3, nullable: true },
    deploymentMode: { type: 'string', length: 20 },
    shipTo: { type: 'json', nullable: true },
    billTo: { type: 'json', nullable: true },
    comments: { type: 'text', nullable: true },
    journalEntryId: { type: 'bigint', nullable: true },
    sessionId: foreignKey({ entity: 'PunchoutSession', column: 'session_id', onDelete: 'no action', nullable: true }),
    cartId: foreignKey({ entity: 'Cart', column: 'cart_id', onDelete: 'no action', nullable: true }),
    differences: { type: 'json' },
    priceCheck: { type: 'json', nullable: true },
    onBehalfAgent: { type: 'string', length: 200, nullable: true },
    fingerprint: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
  },
})

/** A line of an order, as the buyer sent it (quantities and prices exact). */
export class OrderLine {
  id!: string
  orderId!: string
  /** 1-based position in the document. */
  position!: number
  lineNumber?: number | null
  quantity!: string
  sku!: string
  auxiliaryId?: string | null
  unitPrice?: string | null
  currency?: string | null
  description?: string | null
  unitOfMeasure?: string | null
  classification?: { domain: string; code: string } | null
}

export const OrderLineSchema = new EntitySchema<OrderLine>({
  class: OrderLine,
  tableName: 'order_lines',
  uniques: [{ properties: ['orderId', 'position'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    orderId: foreignKey({ entity: 'Order', column: 'order_id', onDelete: 'cascade' }),
    position: { type: 'integer' },
    lineNumber: { type: 'integer', nullable: true },
    quantity: { type: 'decimal', precision: 18, scale: 6 },
    sku: { type: 'string', length: 200 },
    auxiliaryId: { type: 'string', length: 400, nullable: true },
    unitPrice: { type: 'decimal', precision: 18, scale: 4, nullable: true },
    currency: { type: 'string', length: 3, nullable: true },
    description: { type: 'text', nullable: true },
    unitOfMeasure: { type: 'string', length: 20, nullable: true },
    classification: { type: 'json', nullable: true },
  },
})
