import type { Customer, Order, OrderLine, PunchoutSession } from '../../persistence/entities/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'
import type { Deps } from '../deps.ts'
import { outboxMessage } from '../outbox/message.ts'

/**
 * The accepted order handed to the storefront adapter: what it wants delivered goes to the outbox
 * in the order's own write (docs/architecture.md, "The outbox"), so an order answered 200 is never
 * lost. The built-in storefront wants nothing delivered.
 */
export function handOffWrites(deps: Deps, order: Omit<Order, 'journalEntryId'>, lines: OrderLine[], customer: Customer, session: PunchoutSession | undefined): Pick<WritePlan, 'outbox'> {
  const delivery = deps.storefront.handOff({ order, lines, customer, ...(session ? { session } : {}) })
  if (!delivery) return {}
  return {
    outbox: [outboxMessage({
      kind: 'storefront.order',
      customerId: customer.id,
      orderId: order.id,
      sessionId: order.sessionId ?? null,
      ...delivery,
      summary: { orderID: order.orderId, payloadID: order.payloadId, type: order.type },
    }, order.createdAt)],
  }
}
