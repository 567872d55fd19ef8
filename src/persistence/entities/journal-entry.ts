import { EntitySchema } from '@mikro-orm/core'

/**
 * An answered request, with its raw bytes (secrets redacted) and the answer given.
 * Append-only. Written before the answer leaves (src/http/journal-hook.ts).
 */
export class JournalEntry {
  id?: string
  at!: Date
  channel!: string
  method!: string
  path!: string
  requestId!: string
  sessionId?: string | null
  customerId?: string | null
  payloadId?: string | null
  httpStatus!: number
  /** cXML Status code, when the answer was cXML. */
  protocolStatus?: number | null
  outcome!: 'ok' | 'refused' | 'malformed' | 'error'
  errorCode?: string | null
  contentType?: string | null
  requestBody?: Buffer | null
  requestSize!: number
  responseContentType?: string | null
  responseBody?: string | null
  durationMs!: number
  remoteIp?: string | null
  /** When retention removed the raw payloads (request and response bodies, the query string). */
  payloadPurgedAt?: Date | null
}

export const JournalEntrySchema = new EntitySchema<JournalEntry>({
  class: JournalEntry,
  tableName: 'journal_entries',
  indexes: [
    // Support's lists, newest first by (at, id): Migration20261130000100_journal_search.
    { properties: ['at', 'id'] },
    { properties: ['sessionId'] },
    { properties: ['customerId', 'at', 'id'] },
    { name: 'journal_entries_not_ok_index', expression: `create index if not exists "journal_entries_not_ok_index" on "journal_entries" ("outcome", "at", "id") where "outcome" <> 'ok'` },
    { name: 'journal_entries_error_code_index', expression: 'create index if not exists "journal_entries_error_code_index" on "journal_entries" ("error_code", "at", "id") where "error_code" is not null' },
    { properties: ['payloadId'] },
    { properties: ['requestId'] },
    // What retention still has to purge, per customer and age (src/persistence/retention-store.ts).
    { name: 'journal_entries_unpurged_index', expression: 'create index if not exists "journal_entries_unpurged_index" on "journal_entries" ("customer_id", "at") where "payload_purged_at" is null' },
  ],
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    at: { type: 'Date', columnType: 'timestamptz' },
    channel: { type: 'string', length: 20 },
    method: { type: 'string', length: 10 },
    path: { type: 'text' },
    requestId: { type: 'string', length: 64 },
    sessionId: { type: 'uuid', fieldName: 'session_id', nullable: true },
    customerId: { type: 'uuid', fieldName: 'customer_id', nullable: true },
    payloadId: { type: 'string', length: 400, nullable: true },
    httpStatus: { type: 'integer' },
    protocolStatus: { type: 'integer', nullable: true },
    outcome: { type: 'string', length: 20 },
    errorCode: { type: 'string', length: 60, nullable: true },
    contentType: { type: 'string', length: 200, nullable: true },
    requestBody: { type: 'blob', nullable: true },
    requestSize: { type: 'integer' },
    responseContentType: { type: 'string', length: 200, nullable: true },
    responseBody: { type: 'text', nullable: true },
    durationMs: { type: 'integer' },
    remoteIp: { type: 'string', length: 100, nullable: true },
    payloadPurgedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
