import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { randomUUID } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import {
  Credential, Customer, Order, OrderLine, OutboxMessage, PunchoutSession, SessionEvent, type OutboxKind,
} from '../../persistence/entities/index.ts'
import { newPayloadId } from '../../protocols/cxml/build.ts'
import { buildConfirmationRequest, buildShipNoticeRequest, plainQuantity, type FulfillEnvelope } from '../../protocols/cxml/fulfill.ts'
import { actorMaySee, audit, type Actor } from '../audit/audit.ts'
import { GATEWAY_USER_AGENT } from '../carts/transfer.ts'
import type { Deps } from '../deps.ts'
import { outboxMessage } from '../outbox/message.ts'
import { outboxMessageView, type OutboxMessageView } from '../outbox/view.ts'
import type { ConfirmationInput, DeliveredInput, ShipNoticeInput } from './order-status-input.ts'

/**
 * The order journey after intake (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"):
 * the supplier confirms or rejects an order, announces shipments, and records the delivery. Each
 * cXML document goes to the customer's order-status URL through the outbox; the outbox row, the
 * linked session's timeline event and the audit entry are one transaction.
 */

interface OrderState {
  order: Order
  customer: Customer
  session: PunchoutSession | null
  lines: OrderLine[]
}

/** The supplier's identity when the linked session did not record one (as on a returned cart). */
const DEFAULT_SUPPLIER = { domain: 'NetworkID', identity: 'punchgate' }

export async function sendConfirmation(em: SqlEntityManager, deps: Deps, actor: Actor, orderId: string, input: ConfirmationInput): Promise<OutboxMessageView> {
  const state = await currentOrder(em, actor, orderId)
  const url = orderStatusUrl(state.customer)
  const now = deps.now()
  const confirmID = input.confirmID ?? `C-${randomUUID()}`
  const body = buildConfirmationRequest({
    ...(await envelope(em, deps, state, now)),
    confirmID,
    type: input.type,
    noticeDate: now,
    order: { orderID: state.order.orderId, payloadID: state.order.payloadId },
    ...(input.comments ? { comments: input.comments } : {}),
    lines: input.lines.map((l) => {
      const line = lineNamed(state, l.lineNumber)
      return {
        lineNumber: l.lineNumber,
        quantity: line.quantity,
        unitOfMeasure: line.unitOfMeasure ?? 'EA',
        status: l.status,
        ...(l.shipmentDate ? { shipmentDate: new Date(l.shipmentDate) } : {}),
        ...(l.deliveryDate ? { deliveryDate: new Date(l.deliveryDate) } : {}),
        ...(l.comments ? { comments: l.comments } : {}),
      }
    }),
  })
  const summary = { type: input.type, confirmID, lines: input.lines.map((l) => ({ lineNumber: l.lineNumber, status: l.status })) }
  return enqueue(em, actor, state, { kind: 'cxml.confirmation', url, body, summary, event: 'order.confirmation', action: 'order.confirm' }, now)
}

export async function sendShipNotice(em: SqlEntityManager, deps: Deps, actor: Actor, orderId: string, input: ShipNoticeInput): Promise<OutboxMessageView> {
  const state = await currentOrder(em, actor, orderId)
  const url = orderStatusUrl(state.customer)
  const now = deps.now()
  const shipmentID = input.shipmentID ?? `S-${randomUUID()}`
  const shipped = input.lines.length
    ? input.lines.map((l) => ({ line: lineNamed(state, l.lineNumber), lineNumber: l.lineNumber, quantity: positive(l.quantity, l.lineNumber) }))
    : state.lines.map((line) => ({ line, lineNumber: line.lineNumber ?? line.position, quantity: line.quantity }))
  const body = buildShipNoticeRequest({
    ...(await envelope(em, deps, state, now)),
    shipmentID,
    noticeDate: now,
    shipmentDate: new Date(input.shipmentDate),
    ...(input.expectedDelivery ? { deliveryDate: new Date(input.expectedDelivery) } : {}),
    carrier: { name: input.carrier, ...(input.carrierScac ? { scac: input.carrierScac } : {}) },
    trackingNumber: input.trackingNumber,
    ...(input.trackingUrl ? { trackingUrl: input.trackingUrl } : {}),
    order: { orderID: state.order.orderId, payloadID: state.order.payloadId },
    ...(input.comments ? { comments: input.comments } : {}),
    lines: shipped.map((s) => ({ lineNumber: s.lineNumber, quantity: s.quantity, unitOfMeasure: s.line.unitOfMeasure ?? 'EA' })),
  })
  const summary = {
    shipmentID,
    carrier: input.carrier,
    ...(input.carrierScac ? { carrierScac: input.carrierScac } : {}),
    trackingNumber: input.trackingNumber,
    ...(input.trackingUrl ? { trackingUrl: input.trackingUrl } : {}),
    shipmentDate: input.shipmentDate,
    expectedDelivery: input.expectedDelivery ?? null,
    lines: shipped.map((s) => ({ lineNumber: s.lineNumber, quantity: plainQuantity(s.quantity) })),
  }
  return enqueue(em, actor, state, { kind: 'cxml.ship_notice', url, body, summary, event: 'order.ship_notice', action: 'order.ship' }, now)
}

/** The goods reached the buyer: recorded on the timeline and in the audit log (no document is sent). */
export async function recordDelivery(em: SqlEntityManager, deps: Deps, actor: Actor, orderId: string, input: DeliveredInput): Promise<{ order: string; deliveredAt: string }> {
  const state = await currentOrder(em, actor, orderId)
  const now = deps.now()
  const deliveredAt = input.deliveredAt ?? now.toISOString()
  const data = { order: state.order.id, orderID: state.order.orderId, deliveredAt, ...(input.comments ? { comments: input.comments } : {}) }
  await em.transactional(async (tem) => {
    if (state.session) tem.persist(tem.create(SessionEvent, { sessionId: state.session.id, at: now, type: 'order.delivered', data }))
    audit(tem, actor, { action: 'order.delivered', targetType: 'order', targetId: state.order.id, customerId: state.order.customerId, after: data }, now)
  })
  return { order: state.order.id, deliveredAt }
}

interface Enqueued {
  kind: OutboxKind
  url: string
  body: string
  summary: Record<string, unknown>
  event: string
  action: string
}

/** The outbox row, the timeline event and the audit entry: one transaction. */
async function enqueue(em: SqlEntityManager, actor: Actor, state: OrderState, e: Enqueued, now: Date): Promise<OutboxMessageView> {
  const { order, session } = state
  const message = outboxMessage({
    kind: e.kind, customerId: order.customerId, orderId: order.id, sessionId: session?.id ?? null,
    url: e.url, contentType: 'text/xml; charset=utf-8', body: e.body, summary: e.summary,
  }, now)
  await em.transactional(async (tem) => {
    tem.persist(tem.create(OutboxMessage, message))
    const data = { order: order.id, orderID: order.orderId, message: message.id, ...e.summary }
    if (session) tem.persist(tem.create(SessionEvent, { sessionId: session.id, at: now, type: e.event, data }))
    audit(tem, actor, { action: e.action, targetType: 'order', targetId: order.id, customerId: order.customerId, after: { message: message.id, ...e.summary } }, now)
  })
  return outboxMessageView(message)
}

/** The order as the actor may see it, in its current version (not replaced, not cancelled). */
async function currentOrder(em: SqlEntityManager, actor: Actor, id: string): Promise<OrderState> {
  const order = await em.findOne(Order, { id })
  if (!order || !actorMaySee(actor, order.customerId)) throw new PunchgateError('PG_ERR_NOT_FOUND', `No order ${id}.`)
  if (order.status !== 'received') {
    throw new PunchgateError('PG_ERR_CONFLICT', `Order ${order.orderId} (payloadID ${order.payloadId}) is ${order.status}; only its current version can be confirmed, shipped or delivered.`)
  }
  const [customer, session, lines] = await Promise.all([
    em.findOneOrFail(Customer, { id: order.customerId }),
    order.sessionId ? em.findOne(PunchoutSession, { id: order.sessionId }) : null,
    em.find(OrderLine, { orderId: id }, { orderBy: { position: 'asc' } }),
  ])
  return { order, customer, session, lines }
}

function orderStatusUrl(customer: Customer): string {
  if (!customer.orderStatusUrl) {
    throw new PunchgateError('PG_ERR_CONFLICT', `Customer ${customer.name} has no orderStatusUrl, so no order-status document can be sent; set it with PATCH /api/customers/${customer.id}.`)
  }
  return customer.orderStatusUrl
}

/** From and Sender: the supplier as the buyer named it at setup; To: the buyer as it named itself (else its cXML credentials). */
async function envelope(em: SqlEntityManager, deps: Deps, state: OrderState, now: Date): Promise<FulfillEnvelope> {
  const context = state.session?.protocolContext
  const supplier = context?.supplierCredentials?.length ? context.supplierCredentials : [DEFAULT_SUPPLIER]
  let buyer = context?.buyerCredentials ?? []
  if (!buyer.length) {
    const credentials = await em.find(Credential, { customerId: state.customer.id, protocol: 'cxml', revokedAt: null }, { orderBy: { createdAt: 'asc' } })
    buyer = credentials.map((c) => ({ domain: c.domain, identity: c.identity }))
  }
  if (!buyer.length) throw new PunchgateError('PG_ERR_CONFLICT', `Customer ${state.customer.name} has no cXML credential to address the document to.`)
  return {
    payloadID: newPayloadId(new URL(deps.config.publicUrl).hostname),
    timestamp: now,
    from: supplier,
    to: buyer,
    sender: supplier[0]!,
    userAgent: GATEWAY_USER_AGENT,
    deploymentMode: state.order.deploymentMode,
  }
}

function lineNamed(state: OrderState, lineNumber: number): OrderLine {
  const line = state.lines.find((l) => (l.lineNumber ?? l.position) === lineNumber)
  if (!line) throw new PunchgateError('PG_ERR_API_VALIDATION', `Order ${state.order.orderId} has no line ${lineNumber}.`)
  return line
}

function positive(quantity: string, lineNumber: number): string {
  if (!/[1-9]/.test(quantity)) throw new PunchgateError('PG_ERR_API_VALIDATION', `Line ${lineNumber}: a shipped quantity must be more than 0.`)
  return quantity
}
