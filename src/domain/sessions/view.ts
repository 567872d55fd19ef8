import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { SessionView } from './session-view.ts'
import { PunchgateError } from '../../errors/index.ts'
import { BuyerUser, Customer, PreparedCart, PunchoutSession } from '../../persistence/entities/index.ts'

/** What a storefront needs of a session: the operation, the buyer, and the cart to restore. */
export async function viewSession(em: SqlEntityManager, sessionId: string): Promise<SessionView> {
  const session = await em.findOne(PunchoutSession, { id: sessionId })
  if (!session) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${sessionId}.`)
  const [customer, user, prepared] = await Promise.all([
    em.findOneOrFail(Customer, { id: session.customerId }),
    session.userId ? em.findOne(BuyerUser, { id: session.userId }) : null,
    session.preparedCartId ? em.findOne(PreparedCart, { id: session.preparedCartId }) : null,
  ])
  return {
    id: session.id,
    status: session.status,
    protocol: session.protocol,
    operation: session.operation,
    readOnly: session.operation === 'inspect',
    customer: { id: customer.id, slug: customer.slug, name: customer.name },
    user: user ? { id: user.id, email: user.email ?? null, name: user.displayName ?? null } : null,
    permissions: session.grant.permissions,
    selectedSku: session.selectedSku ?? null,
    restoredItems: session.restoredItems as SessionView['restoredItems'],
    onBehalf: session.onBehalfAgent && session.onBehalfExpiresAt ? { agent: session.onBehalfAgent, expiresAt: session.onBehalfExpiresAt.toISOString() } : null,
    preparedBy: prepared ? { agent: prepared.agent, at: prepared.createdAt.toISOString() } : null,
    createdAt: session.createdAt.toISOString(),
  }
}
