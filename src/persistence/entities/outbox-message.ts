import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/**
 * What the outbox delivers (docs/operations.md, "The outbox"): an accepted order to an external
 * storefront, and the cXML order-status documents to the customer's order-status URL.
 */
export type OutboxKind = 'storefront.order' | 'cxml.confirmation' | 'cxml.ship_notice'
/** pending: waiting for its next attempt; delivered: answered 2xx; dead: out of attempts. */
export type OutboxState = 'pending' | 'delivered' | 'dead'

/** One HTTP POST to make, written in the same write as what causes it, delivered with retries. */
export class OutboxMessage {
  id!: string
  kind!: OutboxKind
  customerId!: string
  orderId?: string | null
  sessionId?: string | null
  url!: string
  /** Null once retention purged it (a delivered or dead message older than its customer's retention). */
  body?: string | null
  contentType!: string
  /** What the message says, for the API and the timeline (confirmation type, carrier, tracking number). */
  summary!: Record<string, unknown>
  attempts!: number
  nextAttemptAt!: Date
  state!: OutboxState
  lastError?: string | null
  /** The HTTP status of the last answer. */
  lastStatus?: number | null
  /** The cXML Response Status code of the last answer (cXML messages only). */
  cxmlStatus?: number | null
  createdAt!: Date
  deliveredAt?: Date | null
  payloadPurgedAt?: Date | null
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  tableName: 'outbox_messages',
  indexes: [
    { properties: ['state', 'nextAttemptAt'] },
    { properties: ['orderId'] },
    { name: 'outbox_messages_unpurged_index', expression: `create index if not exists "outbox_messages_unpurged_index" on "outbox_messages" ("created_at") where "payload_purged_at" is null and "state" <> 'pending'` },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    kind: { type: 'string', length: 40 },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'no action' }),
    orderId: foreignKey({ entity: 'Order', column: 'order_id', onDelete: 'no action', nullable: true }),
    sessionId: { type: 'uuid', nullable: true },
    url: { type: 'text' },
    body: { type: 'text', nullable: true },
    contentType: { type: 'string', length: 100 },
    summary: { type: 'json' },
    attempts: { type: 'integer', default: 0 },
    nextAttemptAt: { type: 'Date', columnType: 'timestamptz' },
    state: { type: 'string', length: 20 },
    lastError: { type: 'text', nullable: true },
    lastStatus: { type: 'integer', nullable: true },
    cxmlStatus: { type: 'integer', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    deliveredAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    payloadPurgedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
