import { z } from 'zod'

/**
 * What the order-status actions take (docs/api.md, "Order status: confirmations, ship notices,
 * delivery"). The domain owns the shapes; schemas/api/orders.ts publishes them.
 */

const when = z.iso.datetime({ offset: true })
const note = z.string().trim().min(1).max(2000)
const quantity = z.string().regex(/^\d{1,12}(\.\d{1,6})?$/, 'a plain decimal such as 2 or 1.5')
/** An order line, by the `lineNumber` the buyer gave it (its position when it had none). */
const lineNumber = z.number().int().min(1).max(1_000_000)

export const confirmationInputSchema = z.object({
  type: z.enum(['accept', 'reject', 'detail']),
  /** The supplier's id for this confirmation; default: a new one. */
  confirmID: z.string().trim().min(1).max(100).optional(),
  comments: note.optional(),
  /** detail: the status of each line named (at least one). */
  lines: z.array(z.object({
    lineNumber,
    status: z.enum(['accept', 'reject', 'backordered']),
    shipmentDate: when.optional(),
    deliveryDate: when.optional(),
    comments: note.optional(),
  })).max(1000).default([]),
}).refine((c) => c.type !== 'detail' || c.lines.length > 0, { path: ['lines'], message: 'a detail confirmation names at least one line' })
  .refine((c) => c.type === 'detail' || c.lines.length === 0, { path: ['lines'], message: 'only a detail confirmation names lines' })
export type ConfirmationInput = z.infer<typeof confirmationInputSchema>

export const shipNoticeInputSchema = z.object({
  /** The supplier's id for this shipment; default: a new one. */
  shipmentID: z.string().trim().min(1).max(100).optional(),
  carrier: z.string().trim().min(1).max(200),
  /** The carrier's Standard Carrier Alpha Code (2 to 4 capital letters), when known. */
  carrierScac: z.string().regex(/^[A-Z]{2,4}$/, '2 to 4 capital letters').optional(),
  trackingNumber: z.string().trim().min(1).max(200),
  trackingUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  shipmentDate: when,
  expectedDelivery: when.optional(),
  comments: note.optional(),
  /** The lines shipped and how many of each; none: every line in full. */
  lines: z.array(z.object({ lineNumber, quantity })).max(1000).default([]),
})
export type ShipNoticeInput = z.infer<typeof shipNoticeInputSchema>

export const deliveredInputSchema = z.object({
  /** When the buyer received the goods; default: now. */
  deliveredAt: when.optional(),
  comments: note.optional(),
})
export type DeliveredInput = z.infer<typeof deliveredInputSchema>
