import { z } from 'zod'
import { ociOptionsSchema } from '../carts/oci-options.ts'
import { patchOf } from '../patch.ts'
import { orderStatusUrlSchema } from '../orders/order-status-url.ts'
import { onBehalfSettingsSchema } from '../on-behalf/settings.ts'
import { cartChecksPatchSchema, cartChecksSchema } from '../provisioning/cart-rules.ts'
import { identityProfileSchema } from '../provisioning/identity-profiles.ts'
import { provisioningPolicySchema } from '../provisioning/policy.ts'
import { pricePolicySchema, priceToleranceSchema } from '../pricing/price-input.ts'
import { orderStatusSecretSchema } from './order-status-secret.ts'
import { DEFAULT_SLA_TIER, SLA_TIERS } from './sla.ts'

/**
 * What customer management (manage.ts) takes: a new customer, a change, a credential. The domain
 * owns the shapes and their rules; schemas/api/customers.ts publishes them.
 */

const hostEntry = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .regex(/^(https?:\/\/)?[a-z0-9._-]+(:\d{1,5})?(\/[^\s]*)?$/i, 'must be [http://]host[:port][/path-prefix]')

/** Raw payloads are purged after this many days (src/domain/retention; the session rows and timelines stay). */
const retentionDays = z.number().int().min(1).max(3650)
/** Support tier 1, 2 or 3 (SLA_RESPONSE_HOURS); unrelated to the free-text `tier`. */
const slaTier = z.literal(SLA_TIERS)

export const customerInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'lower-case letters, digits and dashes'),
  tier: z.string().trim().min(1).max(40).default('standard'),
  identityProfile: identityProfileSchema.default('generic'),
  provisioning: provisioningPolicySchema.default(provisioningPolicySchema.parse({})),
  returnUrlHosts: z.array(hostEntry).max(100).default([]),
  cartTransport: z.enum(['cxml-urlencoded', 'cxml-base64']).default('cxml-urlencoded'),
  ociOptions: ociOptionsSchema.default(ociOptionsSchema.parse({})),
  retentionDays: retentionDays.default(90),
  slaTier: slaTier.default(DEFAULT_SLA_TIER),
  /** Price checks (docs/api.md, "Contract prices and price checks"): tolerance in percent, and what a mismatch does. */
  priceTolerance: priceToleranceSchema.default(0),
  pricePolicy: pricePolicySchema.default('record'),
  /** Cart checks per buyer system (docs/identity-profiles.md): what a finding does, and changes to the preset's rules. */
  cartChecks: cartChecksSchema.default(cartChecksSchema.parse({})),
  /** Where ConfirmationRequest and ShipNoticeRequest documents go (docs/cxml.md); null: none are sent. */
  orderStatusUrl: orderStatusUrlSchema.nullable().default(null),
  /** The SharedSecret put in those documents' Sender (docs/api.md, "Order status"): write-only, stored sealed; null or omitted: none. */
  orderStatusSecret: orderStatusSecretSchema.nullable().optional(),
  /** Order on behalf (docs/api.md, "Order on behalf"); omitted: allowed, time box of at most 60 minutes. */
  onBehalf: onBehalfSettingsSchema.optional(),
})
export type CustomerInput = z.infer<typeof customerInputSchema>

export const customerPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  tier: z.string().trim().min(1).max(40).optional(),
  identityProfile: identityProfileSchema.optional(),
  provisioning: patchOf(provisioningPolicySchema).optional(),
  returnUrlHosts: z.array(hostEntry).max(100).optional(),
  cartTransport: z.enum(['cxml-urlencoded', 'cxml-base64']).optional(),
  /** Merged into the current options; `optionalFields: null` goes back to "every field with a value". */
  ociOptions: patchOf(ociOptionsSchema).extend({ optionalFields: ociOptionsSchema.shape.optionalFields.nullable() }).optional(),
  retentionDays: retentionDays.optional(),
  slaTier: slaTier.optional(),
  priceTolerance: priceToleranceSchema.optional(),
  pricePolicy: pricePolicySchema.optional(),
  /** `policy` and `rules` each replace the current value when given. */
  cartChecks: cartChecksPatchSchema.optional(),
  orderStatusUrl: orderStatusUrlSchema.nullable().optional(),
  /** Sets or replaces the secret; null clears it. */
  orderStatusSecret: orderStatusSecretSchema.nullable().optional(),
  onBehalf: onBehalfSettingsSchema.optional(),
})
export type CustomerPatch = z.infer<typeof customerPatchSchema>

export const credentialInputSchema = z.discriminatedUnion('protocol', [
  z.object({
    protocol: z.literal('cxml'),
    domain: z.string().trim().min(1).max(200),
    identity: z.string().trim().min(1).max(400),
    // Buyer systems choose the secret (real ones are as short as "test"): accept what they send.
    sharedSecret: z.string().min(1).max(400),
  }),
  z.object({
    protocol: z.literal('oci'),
    username: z.string().trim().min(1).max(400),
    password: z.string().min(1).max(400),
  }),
])
export type CredentialInput = z.infer<typeof credentialInputSchema>
