import { randomUUID } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import type {
  Customer, Order, OrderDifference, OrderLine, OrderStatus, SessionEvent,
} from '../../persistence/entities/index.ts'
import type { OrderContext, WritePlan } from '../../persistence/punchout-store.ts'
import type { OrderItem, OrderRequest } from '../../protocols/cxml/order-types.ts'
import type { Deps } from '../deps.ts'
import type { CommitOutcome } from '../sessions/setup.ts'
import { statusesAllowing } from '../sessions/states.ts'
import { attachmentRows, checkReferences, type ReceivedAttachment } from './attachments.ts'
import { cartDifferences, linkedSessionId } from './differences.ts'
import { handOffWrites } from './hand-off.ts'
import { checkRepeat, orderFingerprint } from './fingerprint.ts'
import { checkOrderPrices, priceDate, refuseOnMismatch, type OrderPriceCheck } from './price-check.ts'

export interface OrderInput {
  customer: Customer
  payloadId: string
  deploymentMode: 'production' | 'test'
  request: OrderRequest
  /** The other parts of a multipart/related body (docs/cxml.md, "Attachments"); none for text/xml. */
  attachments?: readonly ReceivedAttachment[]
}

/** A decided order: the stored (or to-be-stored) row, and what to write with the answer. */
export interface OrderOutcome {
  order: Omit<Order, 'journalEntryId'>
  /** The payloadID was received before: nothing new is written but the journal row. */
  repeat: boolean
  plan: WritePlan
}

/** Intake decides again at most this often when a concurrent document won the race. */
const MAX_LOOKS = 3

/**
 * An authenticated OrderRequest becomes an order (docs/cxml.md, "OrderRequest"): one read (the
 * payloadID, the orderID, the linked session and its cart) with the customer's prices of the
 * ordered SKUs beside it, the decision in plain code, one write with the journal row. Idempotent per customer on payloadID: a repeat is answered as for
 * the stored order. When the write's gate loses — the same payloadID, or a `new` of the same
 * orderID, committed meanwhile, or no current version left for an update or a delete to
 * supersede — intake decides again and finds the winner.
 */
export async function receiveOrder(deps: Deps, input: OrderInput, commit: CommitOutcome<OrderOutcome>): Promise<OrderOutcome> {
  for (let look = 0; look < MAX_LOOKS; look++) {
    const outcome = await decideOrder(deps, input)
    if (await commit(outcome)) return outcome
  }
  throw new PunchgateError('PG_ERR_UNAVAILABLE', 'Concurrent OrderRequests for this order kept conflicting; retry.')
}

export async function decideOrder(deps: Deps, input: OrderInput): Promise<OrderOutcome> {
  const { customer, request } = input
  if (input.payloadId.length > 400) throw new PunchgateError('PG_ERR_CXML_INVALID', `The payloadID is ${input.payloadId.length} characters long; at most 400 are accepted for an order.`)
  const parts = input.attachments ?? []
  checkReferences(request.attachments, parts)
  const id = randomUUID()
  const lines = request.items.map((item, i) => orderLine(id, item, i))
  const linked = linkedSessionId(lines)
  // A cancellation is never refused for its prices, so it reads none.
  const cancels = request.type === 'delete'
  const [ctx, book] = await Promise.all([
    deps.store.orderContext({ customerId: customer.id, payloadId: input.payloadId, orderId: request.orderID, ...(linked ? { sessionId: linked } : {}) }),
    cancels ? undefined : deps.prices.forCustomer(customer.id, lines.map((l) => l.sku)),
  ])
  const fingerprint = orderFingerprint(request, parts)
  if (ctx.samePayload) {
    checkRepeat(ctx.samePayload, fingerprint)
    return { order: ctx.samePayload, repeat: true, plan: {} }
  }
  const supersede = checkSequence(request, ctx)
  const now = deps.now()
  const priceCheck = book ? checkOrderPrices(book, lines, priceDate(request.orderDate, now), customer) : null
  if (priceCheck) refuseOnMismatch(priceCheck, ctx.session ? { sessionId: ctx.session.id, payloadId: input.payloadId, orderId: request.orderID, now } : undefined)
  const differences: OrderDifference[] = ctx.cart ? cartDifferences(ctx.cart, lines) : []
  if (linked && !ctx.session) differences.push({ kind: 'unlinked', order: linked })
  const order: Omit<Order, 'journalEntryId'> = {
    id,
    customerId: customer.id,
    payloadId: input.payloadId,
    orderId: request.orderID,
    type: request.type,
    status: request.type === 'delete' ? 'cancelled' : 'received',
    orderDate: request.orderDate?.slice(0, 64) ?? null,
    total: request.total ? exact(request.total.amount, 4, 'OrderRequestHeader/Total') : null,
    currency: request.total?.currency ?? lines.find((l) => l.currency)?.currency ?? null,
    deploymentMode: input.deploymentMode,
    shipTo: request.shipTo ?? null,
    billTo: request.billTo ?? null,
    comments: request.comments ?? null,
    sessionId: ctx.session?.id ?? null,
    cartId: ctx.cart?.id ?? null,
    differences,
    priceCheck,
    fingerprint,
    createdAt: now,
  }
  return { order, repeat: false, plan: { newOrder: { row: order, lines, attachments: attachmentRows(id, parts), ...(supersede ? { supersede } : {}) }, ...sessionWrites(ctx, order, priceCheck, now), ...handOffWrites(deps, order, lines, customer, ctx.session) } }
}

/** new: the orderID must be unknown; update/delete: it must be known and not cancelled. */
function checkSequence(request: OrderRequest, ctx: OrderContext): { from: OrderStatus[]; status: OrderStatus } | undefined {
  const earlier = ctx.sameOrderId
  if (request.type === 'new') {
    if (earlier.length) {
      const first = earlier.find((o) => o.type === 'new') ?? earlier[0]!
      throw new PunchgateError('PG_ERR_ORDER_CONFLICT', `Order ${request.orderID} was already received with payloadID ${first.payloadId}. Resend that document unchanged, or send the change as type="update" (type="delete" to cancel).`)
    }
    return undefined
  }
  if (!earlier.length) {
    throw new PunchgateError('PG_ERR_ORDER_UNKNOWN', `Order ${request.orderID} was never received by this supplier, so it cannot be ${request.type === 'update' ? 'updated' : 'deleted'}; send it as type="new".`)
  }
  // The order's current version is the one still `received`; none left means it was cancelled.
  if (!earlier.some((o) => o.status === 'received')) {
    const cancelled = earlier.find((o) => o.type === 'delete') ?? earlier[0]!
    throw new PunchgateError('PG_ERR_ORDER_CONFLICT', `Order ${request.orderID} was cancelled (payloadID ${cancelled.payloadId}); it cannot be changed. Send a new order with its own orderID.`)
  }
  return { from: ['received'], status: request.type === 'update' ? 'replaced' : 'cancelled' }
}

/** The linked session: its timeline events, and `ordered` where the transition table allows it. */
function sessionWrites(ctx: OrderContext, order: Omit<Order, 'journalEntryId'>, priceCheck: OrderPriceCheck | null, now: Date): Pick<WritePlan, 'events' | 'sessionUpdate'> {
  const session = ctx.session
  if (!session) return {}
  const event: Omit<SessionEvent, 'id'> = {
    sessionId: session.id,
    at: now,
    type: 'order.received',
    data: { order: order.id, orderID: order.orderId, payloadID: order.payloadId, type: order.type, cart: order.cartId, differences: order.differences },
  }
  const checked: Array<Omit<SessionEvent, 'id'>> = priceCheck ? [{ sessionId: session.id, at: now, type: 'order.price_checked', data: { order: order.id, ...priceCheck } }] : []
  const from = statusesAllowing('order')
  return {
    events: [event, ...checked],
    ...(from.includes(session.status) ? { sessionUpdate: { sessionId: session.id, set: { status: 'ordered', updatedAt: now }, from } } : {}),
  }
}

function orderLine(orderId: string, item: OrderItem, index: number): OrderLine {
  const where = `OrderRequest/ItemOut[${index + 1}]`
  return {
    id: randomUUID(),
    orderId,
    position: index + 1,
    lineNumber: item.lineNumber ?? null,
    quantity: exact(item.quantity, 6, `${where} quantity`),
    sku: fits(item.supplierPartID, 200, `${where}/ItemID/SupplierPartID`),
    auxiliaryId: item.supplierPartAuxiliaryID === undefined ? null : fits(item.supplierPartAuxiliaryID, 400, `${where}/ItemID/SupplierPartAuxiliaryID`),
    unitPrice: item.unitPrice ? exact(item.unitPrice.amount, 4, `${where}/ItemDetail/UnitPrice`) : null,
    currency: item.unitPrice?.currency ?? null,
    description: item.description ?? null,
    unitOfMeasure: item.unitOfMeasure === undefined ? null : fits(item.unitOfMeasure, 20, `${where}/ItemDetail/UnitOfMeasure`),
    classification: item.classification ?? null,
  }
}

/** A decimal the column keeps exactly (at most `scale` decimals, 18 digits in all), or a refusal. */
function exact(value: string, scale: number, what: string): string {
  const [whole = '', fraction = ''] = value.replace(/^-/, '').split('.')
  const significantFraction = fraction.replace(/0+$/, '')
  if (significantFraction.length > scale || whole.replace(/^0+/, '').length > 18 - scale) {
    throw new PunchgateError('PG_ERR_VALUE_UNSTORABLE', `${what} "${value}" cannot be kept exactly: at most ${18 - scale} digits before and ${scale} after the decimal point.`)
  }
  return value
}

function fits(value: string, max: number, what: string): string {
  if (value.length > max) throw new PunchgateError('PG_ERR_VALUE_UNSTORABLE', `${what} is ${value.length} characters long; at most ${max} are accepted.`)
  return value
}
