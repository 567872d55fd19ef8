import { z } from 'zod'
import type { AuditEntryView, AuditFilters } from '../../src/domain/audit/audit-log.ts'

const text = z.string().trim().min(1).max(200)

/** GET /api/audit's query string: the filters (each must match exactly), then the page. */
export const auditQuerySchema = z.object({
  actor: text.optional(),
  action: text.max(60).optional(),
  targetType: text.max(40).optional(),
  targetId: text.optional(),
  customerId: z.uuid().optional(),
  /** At or after (ISO 8601 with an offset). */
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  /** Before. */
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(200).optional(),
}) satisfies z.ZodType<AuditFilters & { limit: number; cursor?: string }, unknown>

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  customerId: z.uuid().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  reason: z.string().nullable(),
}) satisfies z.ZodType<AuditEntryView>

export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
