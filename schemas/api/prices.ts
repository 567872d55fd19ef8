import { z } from 'zod'

/** Contract-price inputs are domain shapes (src/domain/pricing/price-input.ts), published as is. */
export { priceInputSchema, type PriceInput } from '../../src/domain/pricing/price-input.ts'

const decimalText = z.string().describe('a decimal as text, exact')

export const priceSchema = z.object({
  id: z.uuid(),
  sku: z.string(),
  unitPrice: decimalText,
  currency: z.string(),
  validFrom: z.iso.date().nullable(),
  validTo: z.iso.date().nullable(),
  minQuantity: decimalText,
})

export const priceParamsSchema = z.object({ id: z.uuid(), priceId: z.uuid() })
export const priceListQuerySchema = z.object({ sku: z.string().min(1).max(100).optional() })
export const lookupQuerySchema = z.object({ sku: z.string().trim().min(1).max(100) })
export const importQuerySchema = z.object({ dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') })

export const importReportSchema = z.object({
  imported: z.number().int(),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  dryRun: z.boolean(),
})

const expectedSchema = z.object({
  source: z.enum(['contract', 'list', 'none']),
  unitPrice: decimalText.optional(),
  currency: z.string().optional(),
  minQuantity: decimalText.optional(),
  validFrom: z.string().nullable().optional(),
  validTo: z.string().nullable().optional(),
})

const lineCheckSchema = z.object({
  line: z.number().int(),
  sku: z.string(),
  quantity: decimalText,
  unitPrice: decimalText,
  currency: z.string().nullable(),
  expected: expectedSchema,
  deviationPercent: decimalText.optional(),
  result: z.enum(['ok', 'mismatch', 'unknown']),
  reason: z.string().optional(),
})

export const priceLookupSchema = z.object({
  sku: z.string(),
  day: z.iso.date(),
  listPrice: z.object({ unitPrice: decimalText, currency: z.string() }).nullable(),
  contractPrices: z.array(priceSchema.extend({ validToday: z.boolean() })),
  inForce: expectedSchema,
  lastSeen: z.object({
    cartId: z.uuid(),
    sessionId: z.uuid(),
    at: z.iso.datetime(),
    quantity: decimalText,
    unitPrice: decimalText,
    currency: z.string().nullable(),
    thenCheck: lineCheckSchema,
    todayCheck: lineCheckSchema,
  }).nullable(),
})
