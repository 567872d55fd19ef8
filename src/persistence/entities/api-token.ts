import { EntitySchema } from '@mikro-orm/core'

export type ApiRole = 'admin' | 'support' | 'auditor' | 'storefront'

/** A bearer token for the admin API or a storefront; only its SHA-256 is stored. */
export class ApiToken {
  id!: string
  name!: string
  role!: ApiRole
  tokenHash!: string
  /** The customers the token may see and act on; null: every customer. */
  customerIds?: string[] | null
  createdAt!: Date
  revokedAt?: Date | null
  /** From this instant the token is refused like an unknown one; null: it does not expire. */
  expiresAt?: Date | null
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  class: ApiToken,
  tableName: 'api_tokens',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'string', length: 200 },
    role: { type: 'string', length: 20 },
    tokenHash: { type: 'string', length: 64, unique: true },
    customerIds: { type: 'json', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    revokedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    expiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
