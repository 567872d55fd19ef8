import { EntitySchema } from '@mikro-orm/core'

/** The buying organization: found by its credentials, configured by admins. */
export class Customer {
  id!: string
  name!: string
  slug!: string
  tier!: string
  /** A preset name or `{preset, fields, require}` (src/domain/provisioning/identity-profiles.ts). */
  identityProfile!: unknown
  /** ProvisioningPolicy (src/domain/provisioning/policy.ts). */
  provisioning!: Record<string, unknown>
  /** Allow-list of return URL hosts: `host[:port][/path-prefix]`. */
  returnUrlHosts!: string[]
  /** cXML cart transport: the hidden field the PunchOutOrderMessage travels in. */
  cartTransport!: 'cxml-urlencoded' | 'cxml-base64'
  /** Per-customer OCI cart-return options (unit system, optional fields, charset). */
  ociOptions!: Record<string, unknown>
  /** Days the raw payloads of its requests are kept (src/domain/retention). */
  retentionDays!: number
  /** Support tier: 1 (respond within 2 h), 2 (4 h), 3 (24 h); src/domain/customers/sla.ts. */
  slaTier!: 1 | 2 | 3
  /** Price checks (src/domain/pricing): a deviation up to this many percent is no mismatch. */
  priceTolerance?: string | number
  /** What a price mismatch does: `record` it on the timeline, or `refuse` the order (OrderRequests only). */
  pricePolicy?: 'record' | 'refuse'
  /** Cart checks per buyer system (src/domain/provisioning/cart-rules.ts): `{policy, rules}`; null: warn, the preset's rules. */
  cartChecks?: Record<string, unknown> | null
  /** Where the supplier's ConfirmationRequest and ShipNoticeRequest documents go (docs/cxml.md); null: none are sent. */
  orderStatusUrl?: string | null
  /**
   * The SharedSecret the buyer network gave the supplier, put in Header/Sender of those documents
   * when they are posted: sealed (src/domain/customers/order-status-secret.ts), never in clear.
   */
  orderStatusSecret?: string | null
  /** Order on behalf (src/domain/on-behalf/settings.ts): null is allowed, time box of at most 60 minutes. */
  onBehalf?: { allowed: boolean; maxMinutes: number } | null
  createdAt!: Date
  updatedAt!: Date
}

export const CustomerSchema = new EntitySchema<Customer>({
  class: Customer,
  tableName: 'customers',
  checks: [
    { name: 'customers_retention_days_check', expression: '"retention_days" >= 1 and "retention_days" <= 3650' },
    { name: 'customers_sla_tier_check', expression: '"sla_tier" = any (array[1, 2, 3])' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 200 },
    slug: { type: 'string', length: 100, unique: true },
    tier: { type: 'string', length: 40 },
    identityProfile: { type: 'json' },
    provisioning: { type: 'json' },
    returnUrlHosts: { type: 'json' },
    cartTransport: { type: 'string', length: 20 },
    ociOptions: { type: 'json' },
    retentionDays: { type: 'integer', default: 90 },
    slaTier: { type: 'smallint', default: 3 },
    priceTolerance: { type: 'decimal', precision: 5, scale: 2, default: 0 },
    pricePolicy: { type: 'string', length: 10, default: 'record' },
    cartChecks: { type: 'json', nullable: true },
    orderStatusUrl: { type: 'string', length: 2000, nullable: true },
    orderStatusSecret: { type: 'text', nullable: true },
    onBehalf: { type: 'json', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
})
