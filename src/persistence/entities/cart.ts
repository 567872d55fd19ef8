import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/** A cart returned to procurement: the lines as received and the document sent on. */
export class Cart {
  id!: string
  sessionId!: string
  lines!: unknown[]
  currency?: string | null
  total!: string
  /** 'cxml-urlencoded' | 'cxml-base64' | 'oci' | 'oci-xml' */
  transport!: string
  /** The PunchOutOrderMessage XML, or the OCI fields as JSON text; null once retention purged it. */
  document!: string | null
  createdAt!: Date
  /** When retention removed the document (the lines stay). */
  payloadPurgedAt?: Date | null
}

export const CartSchema = new EntitySchema<Cart>({
  class: Cart,
  tableName: 'carts',
  indexes: [
    { properties: ['sessionId'] },
    // What retention still has to purge, by age (src/persistence/retention-store.ts).
    { name: 'carts_unpurged_index', expression: 'create index if not exists "carts_unpurged_index" on "carts" ("created_at") where "payload_purged_at" is null' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    sessionId: foreignKey({ entity: 'PunchoutSession', column: 'session_id', onDelete: 'no action' }),
    lines: { type: 'json' },
    currency: { type: 'string', length: 3, nullable: true },
    total: { type: 'decimal', precision: 18, scale: 4 },
    transport: { type: 'string', length: 20 },
    document: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    payloadPurgedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
