import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { Actor } from '../audit/audit.ts'
import { scopeClause } from './scope-sql.ts'

/** How far back refused roles are listed for review. */
export const REJECTED_ROLE_WINDOW_DAYS = 30

/** A role a customer's buyers were refused for (policy `unknownRoles: reject`) that still has no mapping. */
export interface RejectedRole {
  customer: { id: string; slug: string; name: string }
  /** As a buyer system spelled it (roles match case-insensitively). */
  role: string
  /** Failed setups that named it within the window. */
  sessions: number
  firstAt: Date
  lastAt: Date
}

/**
 * Roles refused at setup in the last REJECTED_ROLE_WINDOW_DAYS days and still unmapped: with
 * `unknownRoles: reject` nothing is created, so without this list support would only learn of
 * such a role from the failed sessions one by one. Mapping the role takes it off the list.
 * Reads failed sessions by (status, created_at) and their events by session, both indexed.
 */
export async function rejectedRoles(em: SqlEntityManager, actor: Actor, now: Date): Promise<RejectedRole[]> {
  const since = new Date(now.getTime() - REJECTED_ROLE_WINDOW_DAYS * 86_400_000)
  const scope = scopeClause(actor, 's.customer_id')
  const rows = await em.execute<Array<{
    customer_id: string; slug: string; name: string; role: string; sessions: string | number; first_at: Date | string; last_at: Date | string
  }>>(
    `select s.customer_id, c.slug, c.name, max(e.data->>'role') as role, count(distinct s.id) as sessions,
            min(s.created_at) as first_at, max(s.created_at) as last_at
       from punchout_sessions s
       join session_events e on e.session_id = s.id and e.type = 'role.rejected'
       join customers c on c.id = s.customer_id
      where s.status = 'failed' and s.failure_code = 'PG_ERR_ROLE_REJECTED' and s.created_at >= ?${scope.sql}
        and not exists (select 1 from customer_roles r where r.customer_id = s.customer_id and r.name_key = lower(e.data->>'role'))
      group by s.customer_id, c.slug, c.name, lower(e.data->>'role')
      order by min(s.created_at), lower(e.data->>'role')
      limit 500`,
    [since, ...scope.params],
  )
  return rows.map((r) => ({
    customer: { id: r.customer_id, slug: r.slug, name: r.name },
    role: r.role,
    sessions: Number(r.sessions),
    firstAt: new Date(r.first_at),
    lastAt: new Date(r.last_at),
  }))
}
