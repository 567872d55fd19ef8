import { z } from 'zod'
import {
  JOURNAL_CHANNELS, JOURNAL_OUTCOMES, pageSchema, requestDetailSchema, requestSummarySchema, SESSION_OPERATIONS, SESSION_STATUSES,
  sessionDetailSchema, sessionSummarySchema, type PageRequest, type RequestFilters, type SessionFilters,
} from '../../src/domain/journal/views.ts'

/** The session view is a domain shape (src/domain/sessions/session-view.ts), published as is. */
export { restoredItemSchema, sessionViewSchema, type SessionView } from '../../src/domain/sessions/session-view.ts'

/** The journal's shapes are domain shapes (src/domain/journal/views.ts), published as is. */
export { requestDetailSchema, sessionDetailSchema }
export const sessionPageSchema = pageSchema(sessionSummarySchema)
export const requestPageSchema = pageSchema(requestSummarySchema)

const text = (max: number) => z.string().trim().min(1).max(max)
/** ISO 8601 with an offset, e.g. 2026-11-23T10:00:00Z. */
const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s))
/** A stable code as docs/errors.md lists them (older codes stay searchable). */
const code = z.string().regex(/^[A-Z][A-Z0-9_]{0,59}$/, 'a code such as PG_ERR_ROLE_REJECTED')
/** A customer's id or slug. */
const customer = text(100)

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The nextCursor of the previous page. */
  cursor: z.string().min(1).max(300).optional(),
}

/** `from` must come before `to`: an empty range is a mistake, not a search. */
const ordered = (q: { from?: Date; to?: Date }) => !q.from || !q.to || q.from < q.to
const orderedMessage = { message: '"from" must be before "to"', path: ['from'] }

/**
 * The session filters (each given must match). Unknown parameters are refused, so that a
 * misspelt filter is a 400 rather than a list that silently ignores it.
 */
const sessionFilters = z.strictObject({
  customer: customer.optional(),
  user: z.uuid().optional(),
  status: z.enum(SESSION_STATUSES).optional(),
  failureCode: code.optional(),
  protocol: z.enum(['cxml', 'oci']).optional(),
  operation: z.enum(SESSION_OPERATIONS).optional(),
  /** Created at or after. */
  from: time.optional(),
  /** Created before. */
  to: time.optional(),
  /** Exact. */
  payloadId: z.string().min(1).max(400).optional(),
  /** Exact. */
  buyerCookie: z.string().min(1).max(2000).optional(),
  /** The start of the buyer's email, unique name, display name or last name; case-insensitive. */
  q: text(200).optional(),
})

export const sessionListQuerySchema = sessionFilters.extend(page).refine(ordered, orderedMessage) satisfies z.ZodType<SessionFilters & PageRequest, unknown>

export const sessionExportQuerySchema = sessionFilters
  .extend({ format: z.enum(['ndjson', 'csv']).default('ndjson') })
  .refine(ordered, orderedMessage) satisfies z.ZodType<SessionFilters & { format: 'ndjson' | 'csv' }, unknown>

export const requestListQuerySchema = z.strictObject({
  /** Exact. */
  payloadId: z.string().min(1).max(400).optional(),
  customer: customer.optional(),
  outcome: z.enum(JOURNAL_OUTCOMES).optional(),
  errorCode: code.optional(),
  channel: z.enum(JOURNAL_CHANNELS).optional(),
  /** Answered at or after. */
  from: time.optional(),
  /** Answered before. */
  to: time.optional(),
  /** The support reference shown on an error answer. */
  requestId: text(64).optional(),
  ...page,
}).refine(ordered, orderedMessage) satisfies z.ZodType<RequestFilters & PageRequest, unknown>

export const sessionIdParamsSchema = z.object({ id: z.uuid() })
export const requestIdParamsSchema = z.object({ id: z.string().regex(/^\d{1,18}$/, 'a journal entry id') })
