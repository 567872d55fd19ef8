import { z } from 'zod'
import { PRICE_POLICIES } from './check.ts'

/**
 * What contract-price management takes, as JSON or as a CSV row (manage.ts); the domain owns the
 * shapes, schemas/api/prices.ts publishes them. Prices fit numeric(14,4), quantities numeric(14,3).
 */

/** A decimal as text or number, checked against the column it goes to, kept as text. */
const decimal = (intDigits: number, decimals: number, what: string) =>
  z.union([z.string().trim(), z.number().finite().transform((n) => String(n))])
    .refine((s) => new RegExp(`^\\d{1,${intDigits}}(\\.\\d{1,${decimals}})?$`).test(s), `${what}: a number ≥ 0 with at most ${intDigits} digits before the point and ${decimals} after`)

const isoDate = z.iso.date()

export const priceInputSchema = z.object({
  sku: z.string().trim().min(1).max(100),
  unitPrice: decimal(10, 4, 'unit price'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. EUR'),
  validFrom: isoDate.nullable().default(null),
  validTo: isoDate.nullable().default(null),
  minQuantity: decimal(11, 3, 'minimum quantity').default('0'),
}).refine((p) => p.validFrom === null || p.validTo === null || p.validFrom <= p.validTo, { message: 'validTo is before validFrom', path: ['validTo'] })
export type PriceInput = z.infer<typeof priceInputSchema>

/** The CSV header, in this order (docs/api.md, "Contract prices and price checks"). */
export const CSV_COLUMNS = ['sku', 'unit_price', 'currency', 'valid_from', 'valid_to', 'min_quantity'] as const

/** A customer's price-check settings (customer-input.ts takes them with the other customer fields). */
export const priceToleranceSchema = z.number().min(0).max(100).refine((n) => /^\d{1,3}(\.\d{1,2})?$/.test(String(n)), 'a percentage with at most two decimals')
export const pricePolicySchema = z.enum(PRICE_POLICIES)
