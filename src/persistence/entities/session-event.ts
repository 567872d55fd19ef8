import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/** One entry of a session's timeline: every provisioning decision, start, cart, failure. */
export class SessionEvent {
  id?: string
  sessionId!: string
  at!: Date
  type!: string
  data!: Record<string, unknown>
}

export const SessionEventSchema = new EntitySchema<SessionEvent>({
  class: SessionEvent,
  tableName: 'session_events',
  indexes: [{ properties: ['sessionId', 'at'] }],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    sessionId: foreignKey({ entity: 'PunchoutSession', column: 'session_id', onDelete: 'cascade' }),
    at: { type: 'Date', columnType: 'timestamptz' },
    type: { type: 'string', length: 60 },
    data: { type: 'json' },
  },
})
