import type { Statement } from '../../persistence/rows.ts'
import type { Sql } from '../../persistence/sql.ts'

/**
 * The session search's free text: `q` matches the start of the buyer's email, unique name,
 * display name or last name, ignoring case. Each field has a prefix index on buyer_users
 * (`lower(…) text_pattern_ops`); a substring match could use no index.
 */
const FIELDS = ['email', 'unique_name', 'display_name', 'last_name'] as const

/** `%` and `_` in a search term are literal characters, not wildcards. */
const likePrefix = (q: string) => `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Up to this many buyers named by `q` are each read in order through (user_id, created_at, id). */
export const FEW_BUYERS = 20

/** The few buyers `q` names, or — for a common name — the condition that selects their sessions. */
export type BuyerSearch = { ids: string[] } | { condition: Statement }

/**
 * Each field is read through its own index and stops after FEW_BUYERS + 1 entries, so a common
 * name costs as little as a rare one. More than FEW_BUYERS buyers (within `customers`, if given):
 * the sessions of any of them, which the planner reads by time or by buyer, whichever its
 * statistics say is cheaper.
 */
export async function searchBuyers(sql: Sql, q: string, customers: readonly string[] | null): Promise<BuyerSearch> {
  const like = likePrefix(q)
  const rows = await sql.rows<{ id: string; customer_id: string; field: string }>(
    FIELDS.map((f) => `(select id, customer_id, '${f}' as field from buyer_users where lower(${f}) like lower(?) limit ${FEW_BUYERS + 1})`).join(' union all '),
    FIELDS.map(() => like),
  )
  const ids = new Set(rows.filter((r) => customers === null || customers.includes(r.customer_id)).map((r) => r.id))
  const fieldFull = FIELDS.some((f) => rows.filter((r) => r.field === f).length > FEW_BUYERS)
  if (!fieldFull && ids.size <= FEW_BUYERS) return { ids: [...ids] }
  return {
    condition: {
      text: `s.user_id in (select u.id from buyer_users u where ${FIELDS.map((f) => `lower(u.${f}) like lower(?)`).join(' or ')})`,
      params: FIELDS.map(() => like),
    },
  }
}
