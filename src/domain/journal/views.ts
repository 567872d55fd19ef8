import { z } from 'zod'
import type { SessionStatus } from '../../persistence/entities/index.ts'

/**
 * What support reads of the journal: punchout sessions with their timeline, and the answered
 * requests behind them (docs/api.md, "Sessions and the journal"). The domain owns these shapes;
 * schemas/api/sessions.ts publishes them as the admin API's responses.
 */

export const SESSION_STATUSES = ['provisioned', 'started', 'cart_returned', 'ordered', 'failed', 'expired'] as const satisfies readonly SessionStatus[]
export const SESSION_OPERATIONS = ['create', 'edit', 'inspect', 'source'] as const
export const JOURNAL_CHANNELS = ['cxml', 'oci', 'start', 'cart', 'shop', 'http'] as const
export const JOURNAL_OUTCOMES = ['ok', 'refused', 'malformed', 'error'] as const

/** Which sessions searchSessions returns; every filter given must match. */
export interface SessionFilters {
  /** A customer's id or slug. */
  customer?: string
  /** A buyer user's id. */
  user?: string
  status?: SessionStatus
  failureCode?: string
  protocol?: 'cxml' | 'oci'
  operation?: (typeof SESSION_OPERATIONS)[number]
  /** Created at or after. */
  from?: Date
  /** Created before. */
  to?: Date
  payloadId?: string
  buyerCookie?: string
  /** The start of the buyer's email, unique name, display name or last name (case-insensitive). */
  q?: string
}

/** Which journal entries searchRequests returns; every filter given must match. */
export interface RequestFilters {
  payloadId?: string
  /** A customer's id or slug; requests refused before a customer was known have none. */
  customer?: string
  outcome?: (typeof JOURNAL_OUTCOMES)[number]
  errorCode?: string
  channel?: (typeof JOURNAL_CHANNELS)[number]
  /** Answered at or after. */
  from?: Date
  /** Answered before. */
  to?: Date
  /** The support reference an error answer shows. */
  requestId?: string
}

/** A page of a keyset-paginated list: `cursor` is the `nextCursor` of the page before. */
export interface PageRequest {
  limit: number
  cursor?: string
}

const customerRef = z.object({ id: z.uuid(), slug: z.string(), name: z.string() })
const isoOrNull = z.iso.datetime().nullable()

export const sessionSummarySchema = z.object({
  id: z.uuid(),
  customer: customerRef,
  user: z.object({ id: z.uuid(), email: z.string().nullable(), name: z.string().nullable() }).nullable(),
  status: z.enum(SESSION_STATUSES),
  failure: z.object({ code: z.string(), text: z.string().nullable() }).nullable(),
  protocol: z.enum(['cxml', 'oci']),
  operation: z.string(),
  payloadId: z.string().nullable(),
  buyerCookie: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: isoOrNull,
  cartReturnedAt: isoOrNull,
})
export type SessionSummary = z.infer<typeof sessionSummarySchema>

export const requestSummarySchema = z.object({
  /** The journal entry's id (GET /api/requests/:id). */
  id: z.string(),
  at: z.iso.datetime(),
  channel: z.string(),
  method: z.string(),
  /** The path as requested, start links and passwords masked. */
  path: z.string(),
  /** The support reference shown on error answers. */
  requestId: z.string(),
  sessionId: z.uuid().nullable(),
  customer: customerRef.nullable(),
  payloadId: z.string().nullable(),
  httpStatus: z.number().int(),
  protocolStatus: z.number().int().nullable(),
  outcome: z.enum(JOURNAL_OUTCOMES),
  error: z.object({ code: z.string(), summary: z.string().nullable() }).nullable(),
  requestSize: z.number().int(),
  durationMs: z.number().int(),
  remoteIp: z.string().nullable(),
})
export type RequestSummary = z.infer<typeof requestSummarySchema>

export const requestDetailSchema = requestSummarySchema.extend({
  contentType: z.string().nullable(),
  /** The request as received, secrets masked when it was journaled; null when it had no body. */
  requestBody: z.string().nullable(),
  responseContentType: z.string().nullable(),
  /** The answer as sent (start links masked; cut at 256 KiB). */
  responseBody: z.string().nullable(),
  /** When retention purged the payloads (docs/operations.md, "Retention"); null while they are kept. */
  payloadPurgedAt: z.iso.datetime().nullable(),
})
export type RequestDetail = z.infer<typeof requestDetailSchema>

export const timelineEventSchema = z.object({ type: z.string(), at: z.iso.datetime(), data: z.record(z.string(), z.unknown()) })

export const sessionDetailSchema = sessionSummarySchema.extend({
  /** The stable code, the explanation written when it failed, and the code's summary (docs/errors.md). */
  failure: z.object({ code: z.string(), text: z.string().nullable(), summary: z.string().nullable() }).nullable(),
  deploymentMode: z.string(),
  returnUrl: z.string().nullable(),
  flags: z.array(z.string()),
  /** The session this one replays (docs/api.md, "Replay"), and the replays of this one, oldest first. */
  replayOf: z.uuid().nullable(),
  replays: z.array(z.uuid()),
  timeline: z.array(timelineEventSchema),
  /** The protocol requests (channels cxml, oci, start, cart) with their payloads, oldest first. */
  requests: z.array(requestDetailSchema),
  /** The built-in storefront's page requests (channel shop), oldest first, without payloads. */
  storefrontRequests: z.array(requestSummarySchema),
  carts: z.array(z.object({
    id: z.uuid(),
    createdAt: z.iso.datetime(),
    currency: z.string().nullable(),
    total: z.string(),
    transport: z.string(),
    lines: z.array(z.unknown()),
  })),
})
export type SessionDetail = z.infer<typeof sessionDetailSchema>

export interface Page<T> {
  items: T[]
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() })
