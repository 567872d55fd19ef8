import { z } from 'zod'
import { cartItemSchema } from '../../src/domain/carts/cart-item.ts'

export { cartItemSchema, type CartItemInput } from '../../src/domain/carts/cart-item.ts'

export const cartReturnSchema = z.object({
  items: z.array(cartItemSchema).max(2000),
  /** The storefront's currency: what an empty cart is returned in when nothing else says. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR').optional(),
})
export type CartReturnInput = z.infer<typeof cartReturnSchema>

/** The JSON answer of a cart return: what the browser must post, and where. */
export const cartTransferSchema = z.object({
  action: z.string(),
  method: z.literal('post'),
  target: z.string().optional(),
  acceptCharset: z.string(),
  fields: z.record(z.string(), z.string()),
})

export const sessionParamsSchema = z.object({ sid: z.uuid() })
