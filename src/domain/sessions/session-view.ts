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
  /** An agent acting for the buyer (docs/storefront.md, "Order on behalf"): who, and until when; null in the buyer's own sessions. */
  onBehalf: z.object({ agent: z.string(), expiresAt: z.iso.datetime() }).nullable(),
  /** The restored cart was prepared for the buyer by this agent, at this time; null otherwise. */
  preparedBy: z.object({ agent: z.string(), at: z.iso.datetime() }).nullable(),
  createdAt: z.iso.datetime(),
})
export type SessionView = z.infer<typeof sessionViewSchema>
