import { EntitySchema } from '@mikro-orm/core'

/** Every administrative write: who, when, what, before and after. */
export class AuditEntry {
  id?: string
  at!: Date
  actor!: string
  action!: string
  targetType!: string
  targetId!: string
  /** The customer the target belongs to, if any: a customer-scoped reader sees only these entries. */
  customerId?: string | null
  before?: unknown
  after?: unknown
  reason?: string | null
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  class: AuditEntry,
  tableName: 'audit_log',
  indexes: [{ properties: ['targetType', 'targetId'] }, { properties: ['at'] }, { properties: ['customerId', 'at'] }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: { type: 'Date', columnType: 'timestamptz' },
    actor: { type: 'string', length: 200 },
    action: { type: 'string', length: 60 },
    targetType: { type: 'string', length: 40 },
    targetId: { type: 'string', length: 200 },
    customerId: { type: 'uuid', nullable: true },
    before: { type: 'json', nullable: true },
    after: { type: 'json', nullable: true },
    reason: { type: 'text', nullable: true },
  },
})
