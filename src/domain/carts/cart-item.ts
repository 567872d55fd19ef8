import { z } from 'zod'

const money = z.number().finite().nonnegative().max(1e9)

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Text a buyer system can receive and the database can store: no control characters, no lone surrogates. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), 'must not contain control characters')
    .refine((v) => !LONE_SURROGATE.test(v), 'must be well-formed Unicode')

/**
 * One line a storefront returns (the cart API) or the catalog answers (OCI background calls):
 * validated by this one schema, whoever produced it.
 */
export const cartItemSchema = z.object({
  sku: text(200),
  quantity: z.number().finite().positive().max(1e6),
  unitPrice: money,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
  description: text(4000),
  unitOfMeasure: text(10),
  /** A UNSPSC code, or {domain, code} for another classification. */
  classification: z
    .union([text(40), z.object({ domain: text(40), code: text(40) })])
    .optional(),
  leadTimeDays: z.number().int().nonnegative().max(3650).optional(),
  manufacturerName: text(200).optional(),
  manufacturerPartId: text(200).optional(),
  /**
   * SupplierPartAuxiliaryID of a line the buyer system sent to edit, returned unchanged; without
   * it the gateway gives the line its own (`<session>/<line>`).
   */
  auxiliaryId: text(400).optional(),
  /** Extrinsics of the line (cXML ItemDetail/Extrinsic, in this order); a buyer system may require some (docs/api.md, "Cart checks"). */
  extrinsics: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/, 'an extrinsic name: letters, digits, _ . : -'), text(1000))
    .refine((e) => Object.keys(e).length <= 50, 'at most 50 extrinsics')
    .optional(),
})

export type CartItemInput = z.infer<typeof cartItemSchema>
