import { z } from 'zod'

/** Per-customer OCI cart-return options: where SAP systems differ (docs/oci.md, "Options", "Buyer-system quirks"). */
export const ociOptionsSchema = z.object({
  /** `iso`: UN/CEFACT codes (EA → EA); `sap`: SAP T006 internal codes (EA → ST). */
  unitSystem: z.enum(['iso', 'sap']).default('iso'),
  /** Catalog unit → OCI UNIT, winning over the table. */
  unitOverrides: z.record(z.string().max(10), z.string().min(1).max(3)).default({}),
  /** Optional NEW_ITEM fields to send; absent = every field that has a value. */
  optionalFields: z.array(z.string().regex(/^[A-Z_0-9]+$/)).optional(),
  /** The charset of the form posted to HOOK_URL. */
  charset: z.enum(['UTF-8', 'ISO-8859-1']).default('UTF-8'),
  /** OCI 5.0 XML variant: post the cart as one XML document. */
  xml: z.boolean().default(false),
})

export type OciOptions = z.infer<typeof ociOptionsSchema>
