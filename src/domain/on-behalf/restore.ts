import type { PreparedCart } from '../../persistence/entities/index.ts'
import type { BuyerContext, WritePlan } from '../../persistence/punchout-store.ts'
import type { Timeline } from '../sessions/timeline.ts'

/**
 * Whether a setup reads the buyer's prepared cart: a `create` the buyer enters (docs/api.md, "Order on
 * behalf") — not a live replay, which an agent starts: the cart waits for the buyer's own punchout.
 */
export const restoresPreparedCart = (operation: string, withoutStartLink: boolean, replay: boolean): boolean =>
  operation === 'create' && !withoutStartLink && !replay

export interface PreparedRestore {
  restoredItems: unknown[]
  preparedCartId: string
  /** The plan's gate: the cart is restored once, into this session only. */
  consumePreparedCart: NonNullable<WritePlan['consumePreparedCart']>
}

/**
 * The cart an agent prepared for this buyer, restored into the new session like the lines of an
 * edit request: the storefront puts them in its cart and says who prepared them. Only for the
 * user it was prepared for, never for a new user; consumed by the setup's one write.
 */
export function restorePreparedCart(found: BuyerContext, userId: string, isNewUser: boolean, sessionId: string, now: Date, timeline: Timeline): PreparedRestore | undefined {
  const prepared: PreparedCart | undefined = found.preparedCart
  if (!prepared || isNewUser || prepared.userId !== userId) return undefined
  timeline.record('cart.prepared_restored', { preparedCart: prepared.id, agent: prepared.agent, preparedAt: prepared.createdAt.toISOString(), lines: prepared.lines.length })
  return { restoredItems: prepared.lines, preparedCartId: prepared.id, consumePreparedCart: { id: prepared.id, sessionId, at: now } }
}
