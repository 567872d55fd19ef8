import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/** A buyer person, provisioned just in time. Keyed by (customer, unique name). No password. */
export class BuyerUser {
  id!: string
  customerId!: string
  uniqueName!: string
  email?: string | null
  displayName?: string | null
  firstName?: string | null
  lastName?: string | null
  phone?: string | null
  costCenter?: string | null
  department?: string | null
  businessUnit?: string | null
  shipToId?: string | null
  locale?: string | null
  roles!: string[]
  status!: 'active' | 'disabled'
  /** The one labelled stand-in user of a customer whose buyer system sends no person. */
  unidentified!: boolean
  createdAt!: Date
  updatedAt!: Date
  lastSeenAt?: Date | null
}

export const BuyerUserSchema = new EntitySchema<BuyerUser>({
  class: BuyerUser,
  tableName: 'buyer_users',
  uniques: [{ properties: ['customerId', 'uniqueName'] }],
  indexes: [
    { properties: ['customerId', 'email'] },
    // The session search's buyer text: the start of each, ignoring case (Migration20261130000100_journal_search).
    ...['email', 'unique_name', 'display_name', 'last_name'].map((column) => ({
      name: `buyer_users_${column}_prefix_index`,
      expression: `create index if not exists "buyer_users_${column}_prefix_index" on "buyer_users" (lower("${column}") text_pattern_ops)`,
    })),
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'cascade' }),
    uniqueName: { type: 'string', length: 400 },
    email: { type: 'string', length: 400, nullable: true },
    displayName: { type: 'string', length: 400, nullable: true },
    firstName: { type: 'string', length: 200, nullable: true },
    lastName: { type: 'string', length: 200, nullable: true },
    phone: { type: 'string', length: 100, nullable: true },
    costCenter: { type: 'string', length: 200, nullable: true },
    department: { type: 'string', length: 200, nullable: true },
    businessUnit: { type: 'string', length: 200, nullable: true },
    shipToId: { type: 'string', length: 200, nullable: true },
    locale: { type: 'string', length: 40, nullable: true },
    roles: { type: 'json' },
    status: { type: 'string', length: 20 },
    unidentified: { type: 'boolean' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    lastSeenAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
