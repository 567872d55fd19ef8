import { z } from 'zod'
import type { OrderListQuery } from '../../src/domain/orders/orders-view.ts'

/** The order list's query string, parsed into the domain's OrderListQuery (checked by `satisfies`). */
export const orderListQuerySchema = z.object({
  customer: z.uuid().optional(),
  status: z.enum(['received', 'replaced', 'cancelled']).optional(),
  payloadID: z.string().trim().min(1).max(400).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
}) satisfies z.ZodType<OrderListQuery>

export const orderAttachmentParamsSchema = z.object({ id: z.uuid(), attachmentId: z.uuid() })
export type { OrderListQuery }

/** The order views are domain shapes (src/domain/orders/orders-view.ts), published as is. */
export { orderAttachmentSchema, orderDetailSchema, orderSchema, type OrderDetail, type OrderView } from '../../src/domain/orders/orders-view.ts'

/** The order-status actions' bodies and answers (src/domain/orders/order-status-input.ts, src/domain/outbox/view.ts). */
export {
  confirmationInputSchema, deliveredInputSchema, shipNoticeInputSchema, type ConfirmationInput, type DeliveredInput, type ShipNoticeInput,
} from '../../src/domain/orders/order-status-input.ts'
export { outboxMessageSchema, type OutboxMessageView } from '../../src/domain/outbox/view.ts'

/** The answer to POST /api/orders/:id/delivered. */
export const deliverySchema = z.object({ order: z.uuid(), deliveredAt: z.string() })
