import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { z } from 'zod'
import { PunchgateError } from '../../errors/index.ts'
import { Cart, Order, OrderAttachment, OrderLine, PunchoutSession } from '../../persistence/entities/index.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import { orderMessages, outboxMessageSchema } from '../outbox/view.ts'

/** The order list's filters (docs/api.md, "Orders"). */
export interface OrderListQuery {
  customer?: string
  status?: 'received' | 'replaced' | 'cancelled'
  payloadID?: string
  limit: number
}

const differenceSchema = z.object({
  kind: z.enum(['quantity', 'price', 'currency', 'added', 'removed', 'unlinked']),
  auxiliaryId: z.string().optional(),
  sku: z.string().optional(),
  cart: z.string().optional(),
  order: z.string().optional(),
})

const expectedPriceSchema = z.object({
  source: z.enum(['contract', 'list', 'none']),
  unitPrice: z.string().optional(),
  currency: z.string().optional(),
  minQuantity: z.string().optional(),
  validFrom: z.string().nullable().optional(),
  validTo: z.string().nullable().optional(),
})

/** The order's price check as intake stored it (src/domain/orders/price-check.ts); null for a cancellation or an older order. */
const priceCheckSchema = z.object({
  day: z.string(),
  tolerancePercent: z.string(),
  policy: z.enum(['record', 'refuse']),
  mismatches: z.number().int(),
  unknown: z.number().int(),
  lines: z.array(z.object({
    line: z.number().int(),
    lineNumber: z.number().int().nullable(),
    sku: z.string(),
    quantity: z.string(),
    unitPrice: z.string(),
    currency: z.string().nullable(),
    expected: expectedPriceSchema,
    deviationPercent: z.string().optional(),
    result: z.enum(['ok', 'mismatch', 'unknown']),
    reason: z.string().optional(),
  })),
}).nullable()

/** An order as the admin API lists it; the domain owns the shape, schemas/api/orders.ts publishes it. */
export const orderSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  payloadID: z.string(),
  orderID: z.string(),
  type: z.enum(['new', 'update', 'delete']),
  status: z.enum(['received', 'replaced', 'cancelled']),
  orderDate: z.string().nullable(),
  total: z.string().nullable(),
  currency: z.string().nullable(),
  deploymentMode: z.enum(['production', 'test']),
  /** The journal entry holding the document as received (secrets masked). */
  journalEntryId: z.string().nullable(),
  sessionId: z.uuid().nullable(),
  cartId: z.uuid().nullable(),
  differences: z.array(differenceSchema),
  /** The agent who placed it on behalf of the buyer (docs/api.md, "Order on behalf"); null for a buyer's OrderRequest. */
  onBehalfAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
})
export type OrderView = z.infer<typeof orderSchema>

export const orderLineSchema = z.object({
  position: z.number().int(),
  lineNumber: z.number().int().nullable(),
  sku: z.string(),
  auxiliaryId: z.string().nullable(),
  quantity: z.string(),
  unitPrice: z.string().nullable(),
  currency: z.string().nullable(),
  description: z.string().nullable(),
  unitOfMeasure: z.string().nullable(),
  classification: z.object({ domain: z.string(), code: z.string() }).nullable(),
})

/** A file that came with the order (docs/api.md, "Order attachments"); its content is downloaded apart. */
export const orderAttachmentSchema = z.object({
  id: z.uuid(),
  contentId: z.string().nullable(),
  fileName: z.string().nullable(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
})

/** One order with its lines, addresses, the linked session and the cart it was matched against. */
export const orderDetailSchema = orderSchema.extend({
  shipTo: z.record(z.string(), z.unknown()).nullable(),
  billTo: z.record(z.string(), z.unknown()).nullable(),
  comments: z.string().nullable(),
  priceCheck: priceCheckSchema,
  lines: z.array(orderLineSchema),
  attachments: z.array(orderAttachmentSchema),
  session: z.object({ id: z.uuid(), status: z.string(), protocol: z.string(), createdAt: z.iso.datetime() }).nullable(),
  cart: z.object({ id: z.uuid(), total: z.string(), currency: z.string().nullable(), lines: z.array(z.unknown()), createdAt: z.iso.datetime() }).nullable(),
  /** What the gateway sent on about the order (to the storefront, to the buyer) and its delivery state. */
  messages: z.array(outboxMessageSchema),
})
export type OrderDetail = z.infer<typeof orderDetailSchema>

/** Orders newest first, within the actor's customers. */
export async function listOrders(em: SqlEntityManager, actor: Actor, query: OrderListQuery): Promise<OrderView[]> {
  if (query.customer !== undefined && !actorMaySee(actor, query.customer)) return []
  const where: Record<string, unknown> = {}
  if (query.customer !== undefined) where.customerId = query.customer
  else if (actor.customerIds !== null) where.customerId = { $in: [...actor.customerIds] }
  if (query.status) where.status = query.status
  if (query.payloadID) where.payloadId = query.payloadID
  const orders = await em.find(Order, where, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: query.limit })
  return orders.map(orderView)
}

export async function getOrder(em: SqlEntityManager, actor: Actor, id: string): Promise<OrderDetail> {
  const order = await em.findOne(Order, { id })
  if (!order || !actorMaySee(actor, order.customerId)) throw new PunchgateError('PG_ERR_NOT_FOUND', `No order ${id}.`)
  const [lines, session, cart, messages, attachments] = await Promise.all([
    em.find(OrderLine, { orderId: id }, { orderBy: { position: 'asc' } }),
    order.sessionId ? em.findOne(PunchoutSession, { id: order.sessionId }) : null,
    order.cartId ? em.findOne(Cart, { id: order.cartId }) : null,
    orderMessages(em, id),
    em.find(OrderAttachment, { orderId: id }, { orderBy: { contentId: 'asc', id: 'asc' } }),
  ])
  return {
    ...orderView(order),
    shipTo: (order.shipTo as Record<string, unknown> | null) ?? null,
    billTo: (order.billTo as Record<string, unknown> | null) ?? null,
    comments: order.comments ?? null,
    priceCheck: (order.priceCheck as OrderDetail['priceCheck'] | undefined) ?? null,
    lines: lines.map((l) => ({
      position: l.position, lineNumber: l.lineNumber ?? null, sku: l.sku, auxiliaryId: l.auxiliaryId ?? null, quantity: l.quantity,
      unitPrice: l.unitPrice ?? null, currency: l.currency ?? null, description: l.description ?? null, unitOfMeasure: l.unitOfMeasure ?? null, classification: l.classification ?? null,
    })),
    attachments: attachments.map((a) => ({ id: a.id, contentId: a.contentId ?? null, fileName: a.fileName ?? null, contentType: a.contentType, size: a.size, sha256: a.sha256 })),
    session: session ? { id: session.id, status: session.status, protocol: session.protocol, createdAt: session.createdAt.toISOString() } : null,
    cart: cart ? { id: cart.id, total: cart.total, currency: cart.currency ?? null, lines: cart.lines, createdAt: cart.createdAt.toISOString() } : null,
    messages,
  }
}

/** An attachment's content, under the same scope as the order it came with. */
export async function getOrderAttachment(em: SqlEntityManager, actor: Actor, orderId: string, attachmentId: string): Promise<OrderAttachment> {
  const order = await em.findOne(Order, { id: orderId }, { fields: ['id', 'customerId'] })
  const attachment = order && actorMaySee(actor, order.customerId) ? await em.findOne(OrderAttachment, { id: attachmentId, orderId }, { populate: ['content'] }) : null
  if (!attachment) throw new PunchgateError('PG_ERR_NOT_FOUND', `No attachment ${attachmentId} of order ${orderId}.`)
  return attachment
}

function orderView(o: Order): OrderView {
  return {
    id: o.id,
    customerId: o.customerId,
    payloadID: o.payloadId,
    orderID: o.orderId,
    type: o.type,
    status: o.status,
    orderDate: o.orderDate ?? null,
    total: o.total ?? null,
    currency: o.currency ?? null,
    deploymentMode: o.deploymentMode,
    journalEntryId: o.journalEntryId == null ? null : String(o.journalEntryId),
    sessionId: o.sessionId ?? null,
    cartId: o.cartId ?? null,
    differences: o.differences,
    onBehalfAgent: o.onBehalfAgent ?? null,
    createdAt: o.createdAt.toISOString(),
  }
}
