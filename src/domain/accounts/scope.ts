import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { Customer } from '../../persistence/entities/index.ts'
import type { Actor } from '../audit/audit.ts'

/**
 * Customer scopes of tokens and agents (docs/api.md, "Customer scope"): null is every customer.
 * An actor limited to some customers only reaches tokens and agents limited to (some of) the
 * same customers, so a scoped admin can never hand out more than it has.
 */
export const scopeWithin = (actor: Actor, customerIds: readonly string[] | null): boolean =>
  actor.customerIds === null || (customerIds !== null && customerIds.every((id) => actor.customerIds!.includes(id)))

/**
 * The scope a new or changed token or agent gets: the ids deduplicated, each an existing customer,
 * all within the actor's own scope (403 otherwise, whether the customers exist or not).
 */
export async function grantableScope(em: SqlEntityManager, actor: Actor, customerIds: readonly string[] | null): Promise<string[] | null> {
  if (customerIds === null) {
    requireEveryCustomer(actor, 'grant access to every customer')
    return null
  }
  const ids = [...new Set(customerIds)]
  if (ids.length === 0) throw new PunchgateError('PG_ERR_API_VALIDATION', 'customerIds must name at least one customer; omit it (or send null) for every customer.')
  if (!scopeWithin(actor, ids)) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'An actor limited to some customers can only grant access limited to those customers.')
  const found = new Set((await em.find(Customer, { id: { $in: ids } }, { fields: ['id'] })).map((c) => c.id))
  const unknown = ids.filter((id) => !found.has(id))
  if (unknown.length > 0) throw new PunchgateError('PG_ERR_API_VALIDATION', `No customer ${unknown.join(', ')}: customerIds must name existing customers.`)
  return ids
}

/** Refuses an actor limited to some customers an action that reaches every customer (`what` it may not do). */
export function requireEveryCustomer(actor: Actor, what: string): void {
  if (actor.customerIds !== null) throw new PunchgateError('PG_ERR_API_FORBIDDEN', `An actor limited to some customers cannot ${what}.`)
}
