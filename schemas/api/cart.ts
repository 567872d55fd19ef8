import { z } from 'zod'

const money = z.number().finite().nonnegative().max(1e12)

export const cartItemSchema = z.object({
  sku: z.string().trim().min(1).max(200),
  quantity: z.number().finite().positive().max(1e9),
  unitPrice: money,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  description: z.string().trim().min(1).max(4000),
  unitOfMeasure: z.string().trim().min(1).max(10),
  /** A UNSPSC code, or {domain, code} for another classification. */
  classification: z
    .union([z.string().trim().min(1).max(40), z.object({ domain: z.string().trim().min(1).max(40), code: z.string().trim().min(1).max(40) })])
    .optional(),
  leadTimeDays: z.number().int().nonnegative().max(3650).optional(),
  manufacturerName: z.string().trim().min(1).max(200).optional(),
  manufacturerPartId: z.string().trim().min(1).max(200).optional(),
})

export const cartReturnSchema = z.object({
  items: z.array(cartItemSchema).max(2000),
})
export type CartReturnInput = z.infer<typeof cartReturnSchema>
export type CartItemInput = z.infer<typeof cartItemSchema>

/** The JSON answer of a cart return: what the browser must post, and where. */
export const cartTransferSchema = z.object({
  action: z.string(),
  method: z.literal('post'),
  target: z.string().optional(),
  acceptCharset: z.string(),
  fields: z.record(z.string(), z.string()),
})

export const sessionParamsSchema = z.object({ sid: z.uuid() })
