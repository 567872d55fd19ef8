import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { Actor } from '../audit/audit.ts'
import { SLA_RESPONSE_HOURS, type SlaTier } from '../customers/sla.ts'
import { scopeClause } from './scope-sql.ts'

const HOUR_MS = 3_600_000
/** The home page looks at the last 24 hours, hour by hour. */
export const OVERVIEW_HOURS = 24

/** One customer's failed sessions of the window, and how its support deadline stands. */
export interface FailureGroup {
  customer: { id: string; slug: string; name: string }
  slaTier: SlaTier
  responseHours: number
  failures: number
  oldestAt: Date
  newestAt: Date
  /** How long the oldest failure has been waiting. */
  waitingMs: number
  /** When support should have responded to the oldest failure: oldestAt + the tier's hours. */
  dueAt: Date
  overdue: boolean
  /** Failure codes, most frequent first. */
  codes: Array<{ code: string; count: number }>
}

export interface HourBucket {
  start: Date
  total: number
  failed: number
  /** Failed sessions by failure code. */
  byCode: Record<string, number>
}

export interface Overview {
  since: Date
  groups: FailureGroup[]
  hours: HourBucket[]
}

/**
 * What the console's home shows (docs/console.md, "Home"): the failed sessions of the last 24
 * hours grouped by customer — most urgent first: by the time left before the tier's response
 * time runs out for the oldest failure, so an old failure of a tier-1 customer comes before a
 * newer one and before a tier-3 customer's — and the sessions of each hour by outcome and
 * failure code. Two grouped reads over (status, created_at) and (created_at), within the actor's scope.
 */
export async function consoleOverview(em: SqlEntityManager, actor: Actor, now: Date): Promise<Overview> {
  const firstHour = Math.floor(now.getTime() / HOUR_MS) - (OVERVIEW_HOURS - 1)
  const since = new Date(firstHour * HOUR_MS)
  const [groups, hours] = await Promise.all([
    failureGroups(em, actor, new Date(now.getTime() - OVERVIEW_HOURS * HOUR_MS), now),
    hourBuckets(em, actor, since, now, firstHour),
  ])
  return { since, groups, hours }
}

async function failureGroups(em: SqlEntityManager, actor: Actor, since: Date, now: Date): Promise<FailureGroup[]> {
  const scope = scopeClause(actor, 's.customer_id')
  const rows = await em.execute<Array<{
    customer_id: string; slug: string; name: string; sla_tier: number; failure_code: string | null; failures: string | number; oldest: Date | string; newest: Date | string
  }>>(
    `select s.customer_id, c.slug, c.name, c.sla_tier, s.failure_code, count(*) as failures, min(s.created_at) as oldest, max(s.created_at) as newest
       from punchout_sessions s join customers c on c.id = s.customer_id
      where s.status = 'failed' and s.created_at >= ? and s.created_at <= ?${scope.sql}
      group by s.customer_id, c.slug, c.name, c.sla_tier, s.failure_code`,
    [since, now, ...scope.params],
  )
  const byCustomer = new Map<string, FailureGroup>()
  for (const r of rows) {
    const oldest = new Date(r.oldest)
    const newest = new Date(r.newest)
    const tier = Number(r.sla_tier) as SlaTier
    const group = byCustomer.get(r.customer_id) ?? {
      customer: { id: r.customer_id, slug: r.slug, name: r.name }, slaTier: tier, responseHours: SLA_RESPONSE_HOURS[tier],
      failures: 0, oldestAt: oldest, newestAt: newest, waitingMs: 0, dueAt: now, overdue: false, codes: [],
    }
    group.failures += Number(r.failures)
    if (oldest < group.oldestAt) group.oldestAt = oldest
    if (newest > group.newestAt) group.newestAt = newest
    group.codes.push({ code: r.failure_code ?? 'unknown', count: Number(r.failures) })
    byCustomer.set(r.customer_id, group)
  }
  const groups = [...byCustomer.values()].map((g) => {
    const dueAt = new Date(g.oldestAt.getTime() + g.responseHours * HOUR_MS)
    return { ...g, waitingMs: now.getTime() - g.oldestAt.getTime(), dueAt, overdue: dueAt <= now, codes: g.codes.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)) }
  })
  return groups.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.slaTier - b.slaTier || a.customer.name.localeCompare(b.customer.name))
}

async function hourBuckets(em: SqlEntityManager, actor: Actor, since: Date, now: Date, firstHour: number): Promise<HourBucket[]> {
  const scope = scopeClause(actor, 'customer_id')
  // Hours since the epoch, not date_trunc: the buckets do not depend on the server's time zone.
  const rows = await em.execute<Array<{ hour: string | number; failed: boolean; failure_code: string | null; sessions: string | number }>>(
    `select floor(extract(epoch from created_at) / 3600) as hour, status = 'failed' as failed, failure_code, count(*) as sessions
       from punchout_sessions
      where created_at >= ? and created_at <= ?${scope.sql}
      group by 1, 2, 3`,
    [since, now, ...scope.params],
  )
  const buckets: HourBucket[] = Array.from({ length: OVERVIEW_HOURS }, (_, i) => ({ start: new Date((firstHour + i) * HOUR_MS), total: 0, failed: 0, byCode: {} }))
  for (const r of rows) {
    const bucket = buckets[Number(r.hour) - firstHour]
    if (!bucket) continue
    const n = Number(r.sessions)
    bucket.total += n
    if (r.failed) {
      bucket.failed += n
      const code = r.failure_code ?? 'unknown'
      bucket.byCode[code] = (bucket.byCode[code] ?? 0) + n
    }
  }
  return buckets
}
