import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { AuditEntry } from '../../persistence/entities/index.ts'
import { decodeCursor, encodeCursor } from '../journal/cursor.ts'
import type { Actor } from './audit.ts'

/**
 * Reading the audit log (docs/api.md, "Audit log"): newest first, keyset-paginated on (at, id).
 * An actor limited to some customers sees only entries about those customers' objects; entries
 * about no customer (tokens, agents, signing keys) only unscoped actors see.
 */

export interface AuditFilters {
  actor?: string
  action?: string
  targetType?: string
  targetId?: string
  customerId?: string
  /** At or after. */
  from?: Date
  /** Before. */
  to?: Date
}

export interface AuditEntryView {
  id: string
  at: string
  actor: string
  action: string
  targetType: string
  targetId: string
  customerId: string | null
  before: unknown
  after: unknown
  reason: string | null
}

export interface AuditPage {
  items: AuditEntryView[]
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null
}

const view = (e: AuditEntry): AuditEntryView => ({
  id: String(e.id),
  at: e.at.toISOString(),
  actor: e.actor,
  action: e.action,
  targetType: e.targetType,
  targetId: e.targetId,
  customerId: e.customerId ?? null,
  before: e.before ?? null,
  after: e.after ?? null,
  reason: e.reason ?? null,
})

export async function listAuditEntries(
  em: SqlEntityManager,
  actor: Actor,
  filters: AuditFilters,
  page: { limit: number; cursor?: string },
): Promise<AuditPage> {
  const qb = em.createQueryBuilder(AuditEntry, 'a')
  const { from, to, ...exact } = filters
  for (const [field, value] of Object.entries(exact)) if (value !== undefined) qb.andWhere({ [field]: value })
  if (from) qb.andWhere({ at: { $gte: from } })
  if (to) qb.andWhere({ at: { $lt: to } })
  if (actor.customerIds !== null) qb.andWhere({ customerId: { $in: [...actor.customerIds] } })
  if (page.cursor !== undefined) {
    const after = decodeCursor('audit', page.cursor)
    qb.andWhere('(a.at, a.id) < (?::timestamptz, ?::bigint)', [after.at, after.id])
  }
  // One row more than asked tells whether another page follows.
  const rows = await qb.orderBy({ at: 'desc', id: 'desc' }).limit(page.limit + 1).getResultList()
  const items = rows.slice(0, page.limit).map(view)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor('audit', last) : null }
}
