import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/**
 * A cart an agent prepared for a buyer in an on-behalf session (docs/api.md, "Order on behalf"):
 * restored into the storefront cart at the buyer's next `create` setup, once. `lines` are
 * ItemOut-shaped (supplierPartID, quantity, unitPrice, ...), like an edit request's lines.
 */
export class PreparedCart {
  id!: string
  customerId!: string
  userId!: string
  /** The on-behalf session it was prepared in. */
  sessionId!: string
  /** The agent (actor name) who prepared it. */
  agent!: string
  lines!: Array<Record<string, unknown>>
  total!: string
  currency?: string | null
  createdAt!: Date
  /** When a setup restored it, or a newer prepared cart replaced it: it is never restored again. */
  consumedAt?: Date | null
  /** The buyer's session it was restored into; null when a newer one replaced it. */
  consumedBySessionId?: string | null
}

export const PreparedCartSchema = new EntitySchema<PreparedCart>({
  class: PreparedCart,
  tableName: 'prepared_carts',
  indexes: [{ properties: ['userId', 'createdAt'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'cascade' }),
    userId: foreignKey({ entity: 'BuyerUser', column: 'user_id', onDelete: 'cascade' }),
    sessionId: foreignKey({ entity: 'PunchoutSession', column: 'session_id', onDelete: 'no action' }),
    agent: { type: 'string', length: 200 },
    lines: { type: 'json' },
    total: { type: 'decimal', precision: 18, scale: 4 },
    currency: { type: 'string', length: 3, nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    consumedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    consumedBySessionId: { type: 'uuid', nullable: true },
  },
})
