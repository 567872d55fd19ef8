import type { Actor } from '../audit/audit.ts'

/**
 * The actor's customer scope as an `and … in (…)` clause on `column`, with bound parameters;
 * empty for an actor who sees every customer. An empty scope matches nothing.
 */
export function scopeClause(actor: Actor, column: string): { sql: string; params: string[] } {
  if (actor.customerIds === null) return { sql: '', params: [] }
  if (actor.customerIds.length === 0) return { sql: ' and false', params: [] }
  return { sql: ` and ${column} in (${actor.customerIds.map(() => '?').join(', ')})`, params: [...actor.customerIds] }
}
