import { z } from 'zod'

/**
 * A punchout session as a storefront sees it, built by viewSession (view.ts). The domain owns the
 * shape; schemas/api/sessions.ts publishes it as the storefront API's response.
 */
export const restoredItemSchema = z.object({
  quantity: z.string(),
  lineNumber: z.string().optional(),
  supplierPartID: z.string(),
  supplierPartAuxiliaryID: z.string().optional(),
  unitPrice: z.string().optional(),
  currency: z.string().optional(),
  description: z.string().optional(),
  unitOfMeasure: z.string().optional(),
})

/** A punchout session as a storefront sees it: who, what operation, what to restore. */
export const sessionViewSchema = z.object({
  id: z.uuid(),
  status: z.string(),
  protocol: z.enum(['cxml', 'oci']),
  operation: z.string(),
  readOnly: z.boolean(),
  customer: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
  user: z.object({ id: z.uuid(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  permissions: z.array(z.string()),
  selectedSku: z.string().nullable(),
  restoredItems: z.array(restoredItemSchema.passthrough()),
  createdAt: z.iso.datetime(),
})
export type SessionView = z.infer<typeof sessionViewSchema>
