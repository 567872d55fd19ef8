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
  createdAt!: Date
  updatedAt!: Date
}

export const CustomerSchema = new EntitySchema<Customer>({
  class: Customer,
  tableName: 'customers',
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
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
})
