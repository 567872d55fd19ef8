import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/**
 * A customer credential: authenticates the organization, never a person.
 * cXML: (domain, identity) + SharedSecret; OCI: (domain 'oci', identity = USERNAME) + PASSWORD.
 * Only a keyed hash of the secret is kept. Several active credentials with the same identity
 * allow rotation with overlap.
 */
export class Credential {
  id!: string
  customerId!: string
  protocol!: 'cxml' | 'oci'
  /** Lower-cased: cXML domains compare case-insensitively (docs/cxml.md, "Who is the customer"). */
  domain!: string
  identity!: string
  secretHash!: string
  createdAt!: Date
  revokedAt?: Date | null
}

export const CredentialSchema = new EntitySchema<Credential>({
  class: Credential,
  tableName: 'credentials',
  indexes: [{ properties: ['protocol', 'domain', 'identity'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'cascade' }),
    protocol: { type: 'string', length: 10 },
    domain: { type: 'string', length: 200 },
    identity: { type: 'string', length: 400 },
    secretHash: { type: 'string', length: 128 },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
