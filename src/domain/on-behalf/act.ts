import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import {
  PreparedCart, SessionEvent, type Customer, type Order, type OrderLine, type PunchoutSession,
} from '../../persistence/entities/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'
import { audit, type Actor } from '../audit/audit.ts'
import { cartTotal } from '../carts/amounts.ts'
import type { CartItemInput } from '../carts/cart-item.ts'
import type { Deps } from '../deps.ts'
import { handOffWrites } from '../orders/hand-off.ts'
import { checkOrderPrices, refuseOnMismatch } from '../orders/price-check.ts'
import { toUnits } from '../pricing/decimal.ts'
import { SessionRefusal } from '../sessions/refusal.ts'
import { onBehalfSettings } from './settings.ts'
import { nextStatus, statusesAllowing } from '../sessions/states.ts'

/**
 * What an agent does in an on-behalf session (docs/api.md, "Order on behalf"): prepare a cart for
 * the buyer, or order it with the buyer's PO number — each bounded by the buyer's own grant
 * (permissions and spend limit) and by the session's time box.
 */

/** The flag an ended on-behalf session gets, so its end is recorded once. */
const EXPIRED_FLAG = 'on-behalf-expired'
const REVOKED_FLAG = 'on-behalf-revoked'

/** The agent as the audit log names them: only the name is recorded. */
const agentActor = (session: PunchoutSession): Actor => ({ name: session.onBehalfAgent!, role: 'support', customerIds: [session.customerId] })

/**
 * Refuses every request of an on-behalf session that has ended: its time box is over, or the
 * customer no longer allows agents to act for its buyers (switching it off ends the sessions
 * already running, not only new ones). The first refusal records the end on the timeline (with
 * the journal row) and in the audit log.
 */
export async function refuseEndedOnBehalf(em: SqlEntityManager, session: PunchoutSession, customer: Pick<Customer, 'onBehalf'>, now: Date): Promise<void> {
  if (!onBehalfSettings(customer).allowed) {
    const message = 'The customer no longer allows agents to act on behalf of its buyers, so this on-behalf session has ended.'
    return endOnBehalf(em, session, now, { flag: REVOKED_FLAG, code: 'PG_ERR_ON_BEHALF_OFF', message, event: 'on_behalf.revoked', action: 'on_behalf.revoke', data: { revokedAt: now.toISOString() } })
  }
  if (!session.onBehalfExpiresAt || session.onBehalfExpiresAt > now) return
  const message = `The time box of this on-behalf session ended at ${session.onBehalfExpiresAt.toISOString()}. Start a new one from the console if the buyer still needs help.`
  return endOnBehalf(em, session, now, { flag: EXPIRED_FLAG, code: 'PG_ERR_ON_BEHALF_EXPIRED', message, event: 'on_behalf.expired', action: 'on_behalf.expire', data: { expiredAt: session.onBehalfExpiresAt.toISOString() } })
}

interface OnBehalfEnd {
  flag: string
  code: 'PG_ERR_ON_BEHALF_EXPIRED' | 'PG_ERR_ON_BEHALF_OFF'
  message: string
  event: string
  action: string
  data: Record<string, string>
}

async function endOnBehalf(em: SqlEntityManager, session: PunchoutSession, now: Date, end: OnBehalfEnd): Promise<never> {
  if (session.flags.includes(end.flag)) throw new SessionRefusal(end.code, end.message, session.id)
  audit(em, agentActor(session), { action: end.action, targetType: 'session', targetId: session.id, customerId: session.customerId, after: end.data, reason: session.onBehalfReason ?? undefined }, now)
  await em.flush()
  const plan: WritePlan = {
    sessionUpdate: { sessionId: session.id, set: { flags: [...session.flags, end.flag], updatedAt: now } },
    events: [{ sessionId: session.id, at: now, type: end.event, data: { agent: session.onBehalfAgent, ...end.data } }],
  }
  throw new SessionRefusal(end.code, end.message, session.id, plan)
}

/** The cart's total, refused above the buyer's spend limit unless the buyer may go over it. */
function withinSpendLimit(session: PunchoutSession, items: readonly CartItemInput[]): { total: string; currency: string | null } {
  if (items.length === 0) throw new PunchgateError('PG_ERR_CART_INVALID', 'The cart is empty: add the products the buyer needs first.')
  const currencies = [...new Set(items.map((i) => i.currency))]
  const currency = currencies.length === 1 ? currencies[0]! : null
  const total = cartTotal(items, currency)
  const limit = session.grant.spendLimit
  if (limit !== null && toUnits(total) > toUnits(limit) && !session.grant.permissions.includes('order_over_spend_limit')) {
    throw new PunchgateError('PG_ERR_SPEND_LIMIT', `The cart's total of ${total} ${currency ?? ''} is above the buyer's spend limit of ${limit}; the buyer may not go over it, so neither may an agent acting for them.`)
  }
  return { total, currency }
}

function requirePermission(session: PunchoutSession, permission: string, what: string): void {
  if (!session.grant.permissions.includes(permission)) {
    throw new PunchgateError('PG_ERR_API_FORBIDDEN', `The buyer's roles do not allow them to ${what}, so neither may an agent acting for them.`)
  }
}

function requireOpen(session: PunchoutSession, what: string): void {
  if (!session.onBehalfAgent) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'Only an agent acting on behalf of a buyer can do this.')
  nextStatus(session.status, 'orderOnBehalf', `This on-behalf session is ${session.status.replace('_', ' ')}: it cannot ${what} any more.`)
}

/**
 * Saves the cart for the buyer: their next `create` setup restores it (restore.ts). A newer
 * prepared cart replaces an older one not yet restored.
 */
export async function prepareCartForBuyer(em: SqlEntityManager, session: PunchoutSession, items: readonly CartItemInput[], now: Date): Promise<PreparedCart> {
  requireOpen(session, 'prepare a cart')
  requirePermission(session, 'add_to_cart', 'fill a cart')
  const { total, currency } = withinSpendLimit(session, items)
  return em.transactional(async (tem) => {
    await tem.nativeUpdate(PreparedCart, { userId: session.userId!, consumedAt: null }, { consumedAt: now })
    const prepared = tem.create(PreparedCart, {
      id: randomUUID(), customerId: session.customerId, userId: session.userId!, sessionId: session.id, agent: session.onBehalfAgent!,
      lines: items.map(preparedLine), total, currency, createdAt: now, consumedAt: null, consumedBySessionId: null,
    })
    const data = { preparedCart: prepared.id, agent: session.onBehalfAgent, lines: items.length, total, currency }
    tem.persist(tem.create(SessionEvent, { sessionId: session.id, at: now, type: 'on_behalf.cart_prepared', data }))
    audit(tem, agentActor(session), { action: 'on_behalf.cart_prepare', targetType: 'user', targetId: session.userId!, customerId: session.customerId, after: data, reason: session.onBehalfReason ?? undefined }, now)
    return prepared
  })
}

/** A cart line as an edit request's ItemOut would carry it: what the storefront restores. */
const preparedLine = (i: CartItemInput): Record<string, unknown> => ({
  supplierPartID: i.sku, quantity: String(i.quantity), unitPrice: String(i.unitPrice), currency: i.currency, description: i.description, unitOfMeasure: i.unitOfMeasure,
})

export interface OnBehalfOrder {
  order: Omit<Order, 'journalEntryId'>
  plan: WritePlan
}

/**
 * The cart, ordered directly with the PO number the buyer gave: an order like a received
 * OrderRequest (orderID = the PO number, its lines, the price check), marked with the agent,
 * written with its journal row in one statement; the session becomes `ordered`.
 */
export async function decideOnBehalfOrder(deps: Deps, session: PunchoutSession, customer: Customer, items: readonly CartItemInput[], poNumber: string): Promise<OnBehalfOrder> {
  requireOpen(session, 'order')
  requirePermission(session, 'order_on_account', 'order directly on the customer account')
  const orderId = poNumber.trim()
  if (!orderId || orderId.length > 200 || /[\u0000-\u001f\u007f]/.test(orderId)) {
    throw new PunchgateError('PG_ERR_CART_INVALID', 'Enter the PO number the buyer gave you (1 to 200 characters).')
  }
  const { total, currency } = withinSpendLimit(session, items)
  const now = deps.now()
  const id = randomUUID()
  const lines: OrderLine[] = items.map((i, n) => ({
    id: randomUUID(), orderId: id, position: n + 1, lineNumber: n + 1, quantity: String(i.quantity), sku: i.sku, auxiliaryId: null,
    unitPrice: String(i.unitPrice), currency: i.currency, description: i.description, unitOfMeasure: i.unitOfMeasure, classification: null,
  }))
  const book = await deps.prices.forCustomer(customer.id, lines.map((l) => l.sku))
  const priceCheck = checkOrderPrices(book, lines, now, customer)
  refuseOnMismatch(priceCheck)
  const order: Omit<Order, 'journalEntryId'> = {
    id, customerId: customer.id, payloadId: `on-behalf:${session.id}`, orderId, type: 'new', status: 'received',
    orderDate: now.toISOString(), total, currency, deploymentMode: session.deploymentMode, shipTo: null, billTo: null,
    comments: `Ordered on behalf of the buyer by ${session.onBehalfAgent}: ${session.onBehalfReason ?? ''}`.slice(0, 2000),
    sessionId: session.id, cartId: null, differences: [], priceCheck, onBehalfAgent: session.onBehalfAgent!, createdAt: now,
  }
  const at = { sessionId: session.id, at: now }
  const plan: WritePlan = {
    newOrder: { row: order, lines },
    ...handOffWrites(deps, order, lines, customer, session),
    sessionUpdate: { sessionId: session.id, from: statusesAllowing('orderOnBehalf'), set: { status: nextStatus(session.status, 'orderOnBehalf'), updatedAt: now } },
    events: [
      { ...at, type: 'on_behalf.order_placed', data: { order: id, orderID: orderId, agent: session.onBehalfAgent, total, currency, lines: lines.length } },
      { ...at, type: 'order.price_checked', data: { order: id, ...priceCheck } },
    ],
  }
  return { order, plan }
}

/** The order placed: in the audit log too, once its write landed. */
export async function auditOnBehalfOrder(em: SqlEntityManager, session: PunchoutSession, order: Omit<Order, 'journalEntryId'>, now: Date): Promise<void> {
  const after = { order: order.id, orderID: order.orderId, total: order.total, currency: order.currency, session: session.id }
  audit(em, agentActor(session), { action: 'on_behalf.order', targetType: 'user', targetId: session.userId!, customerId: session.customerId, after, reason: session.onBehalfReason ?? undefined }, now)
  await em.flush()
}
