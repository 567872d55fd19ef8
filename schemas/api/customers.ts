import { z } from 'zod'
import { SLA_TIERS } from '../../src/domain/customers/sla.ts'

/** Customer and credential inputs are domain shapes (src/domain/customers/customer-input.ts), published as is. */
export {
  credentialInputSchema, customerInputSchema, customerPatchSchema, type CredentialInput, type CustomerInput, type CustomerPatch,
} from '../../src/domain/customers/customer-input.ts'

export const customerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  tier: z.string(),
  identityProfile: z.unknown(),
  provisioning: z.record(z.string(), z.unknown()),
  returnUrlHosts: z.array(z.string()),
  cartTransport: z.string(),
  ociOptions: z.record(z.string(), z.unknown()),
  retentionDays: z.number().int(),
  slaTier: z.literal(SLA_TIERS),
  /** Percent; a price deviating by no more is no mismatch. */
  priceTolerance: z.number(),
  pricePolicy: z.enum(['record', 'refuse']),
  /** Cart checks per buyer system: what a finding does (`warn`, `block`) and the customer's changes to its preset's rules. */
  cartChecks: z.object({ policy: z.enum(['warn', 'block']), rules: z.record(z.string(), z.unknown()) }),
  /** Order on behalf: allowed, and the longest time box in minutes. */
  onBehalf: z.object({ allowed: z.boolean(), maxMinutes: z.number().int() }),
  /** Where the supplier's ConfirmationRequest and ShipNoticeRequest go; null: none are sent. */
  orderStatusUrl: z.string().nullable(),
  /** Whether an order-status secret is set (docs/api.md, "Order status"); the secret itself is never shown. */
  hasOrderStatusSecret: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

/** A credential as the API shows it: never the secret, never its hash. */
export const credentialSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  protocol: z.enum(['cxml', 'oci']),
  domain: z.string(),
  identity: z.string(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
})

export const idParamsSchema = z.object({ id: z.uuid() })
