import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/** A customer's role name mapped to storefront permissions; `pending` until an admin maps it. */
export class CustomerRole {
  id!: string
  customerId!: string
  name!: string
  /** Lower-cased name: role names match case-insensitively. */
  nameKey!: string
  status!: 'mapped' | 'pending'
  permissions!: string[]
  spendLimit?: string | null
  createdAt!: Date
  updatedAt!: Date
}

export const CustomerRoleSchema = new EntitySchema<CustomerRole>({
  class: CustomerRole,
  tableName: 'customer_roles',
  uniques: [{ properties: ['customerId', 'nameKey'] }],
  indexes: [{ properties: ['status'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'cascade' }),
    name: { type: 'string', length: 200 },
    nameKey: { type: 'string', length: 200 },
    status: { type: 'string', length: 20 },
    permissions: { type: 'json' },
    spendLimit: { type: 'decimal', precision: 14, scale: 2, nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
})
