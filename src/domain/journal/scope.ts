import type { Sql } from '../../persistence/sql.ts'
import type { Actor } from '../audit/audit.ts'

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The customers a search may return rows of: the one asked for (by id or slug) if the actor may
 * see it, else the actor's own scope; null means every customer. An empty list means no row can
 * match — a scoped actor asking for another customer gets an empty page, not that customer's data.
 */
export async function searchScope(sql: Sql, actor: Actor, customer: string | undefined): Promise<readonly string[] | null> {
  if (customer === undefined) return actor.customerIds
  const id = await customerId(sql, customer)
  if (id === undefined) return []
  return actor.customerIds === null || actor.customerIds.includes(id) ? [id] : []
}

async function customerId(sql: Sql, ref: string): Promise<string | undefined> {
  const [row] = UUID.test(ref)
    ? await sql.rows<{ id: string }>('select id from customers where id = ?', [ref.toLowerCase()])
    : await sql.rows<{ id: string }>('select id from customers where slug = ?', [ref])
  return row?.id
}
