import { randomUUID } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import type { Cart, PunchoutSession } from '../../persistence/entities/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'
import { OCI_LARGE_CART_LINES } from '../../protocols/oci/cart.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'
import type { CommitOutcome } from '../sessions/setup.ts'
import { nextStatus, statusesAllowing } from '../sessions/states.ts'
import type { CartItemInput } from './cart-item.ts'
import { cxmlTransfer, ociTransfer, type CartTransfer } from './transfer.ts'

export interface ReturnedCart {
  session: PunchoutSession
  cart: Cart
  transfer: CartTransfer
  plan: WritePlan
}

/** Decimal arithmetic on cents-of-cents avoids binary rounding in totals. */
const toUnits = (n: number) => Math.round(n * 10_000)
/** The sum of the lines in units of 10⁻⁴, computed on integers. */
export const cartTotalUnits = (lines: ReadonlyArray<{ unitPrice: number; quantity: number }>) =>
  lines.reduce((sum, l) => sum + Math.round(toUnits(l.unitPrice) * l.quantity), 0)

/** Half-up to cents, on integers: 34.275 is 34.28, not binary floating point's 34.27. */
export const formatAmount = (units: number) => (Math.round(units / 100) / 100).toFixed(2)

/**
 * The storefront hands back the cart of a started session. It is validated, kept as a Cart row,
 * turned into the buyer system's format (cXML PunchOutOrderMessage or OCI fields) and answered
 * as the form the browser must post to the allow-listed return URL. One read, then one write
 * (through `commit`, with the answer's journal row) that applies only while the session still
 * allows a cart return. With an `actor` (a storefront token), a session of a customer outside its
 * scope answers as unknown, before anything else is checked; the built-in storefront, which holds
 * the session through its signed-in browser, passes none.
 */
export async function returnCart(deps: Deps, sessionId: string, items: CartItemInput[], commit: CommitOutcome<ReturnedCart>, actor?: Actor): Promise<ReturnedCart> {
  for (let look = 0; look < 2; look++) {
    const returned = await decideCartReturn(deps, sessionId, items, actor)
    if (await commit(returned)) return returned
  }
  throw new PunchgateError('PG_ERR_SESSION_STATE', 'The punchout session changed while the cart was being returned; return it again.')
}

async function decideCartReturn(deps: Deps, sessionId: string, items: CartItemInput[], actor: Actor | undefined): Promise<ReturnedCart> {
  const now = deps.now()
  const found = await deps.store.session(sessionId)
  if (!found || (actor && !actorMaySee(actor, found.session.customerId))) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${sessionId}.`)
  const { session, customer } = found
  checkState(session)
  const currency = singleCurrency(items)
  const lines = items.map((item, i) => toCartLine(item, session.id, i + 1))
  const totalUnits = cartTotalUnits(items)
  // The carts table holds totals below 10^13; a larger one is a mistake, not an order.
  if (totalUnits >= 1e17) throw new PunchgateError('PG_ERR_CART_INVALID', 'The cart total is 10 000 000 000 000 or more; check the quantities and prices.')
  const total = formatAmount(totalUnits)
  const transfer =
    session.protocol === 'oci'
      ? ociTransfer(session, customer, lines)
      : cxmlTransfer(deps, session, customer, lines, currency, total, now)
  const cart: Cart = {
    id: randomUUID(), sessionId: session.id, lines, currency, total,
    transport: transfer.transport, document: transfer.document, createdAt: now,
  }
  const status = nextStatus(session.status, 'returnCart')
  const plan: WritePlan = {
    transition: { sessionId: session.id, from: statusesAllowing('returnCart'), set: { status, cartReturnedAt: now, updatedAt: now } },
    cart,
    events: [{
      sessionId: session.id, at: now, type: 'cart.returned',
      data: {
        cartId: cart.id, lines: lines.length, total, currency, transport: transfer.transport, to: transfer.action,
        repeated: session.status === 'cart_returned',
        // Hook receivers built on PHP silently drop the tail of large OCI carts (docs/oci.md, "Buyer-system quirks").
        ...(session.protocol === 'oci' && lines.length > OCI_LARGE_CART_LINES
          ? { warning: `${lines.length} lines: some OCI receivers drop the tail of carts over ${OCI_LARGE_CART_LINES} lines` }
          : {}),
      },
    }],
  }
  return { session: { ...session, status, cartReturnedAt: now, updatedAt: now }, cart, transfer, plan }
}

function checkState(session: PunchoutSession): void {
  if (session.operation === 'inspect') {
    throw new PunchgateError('PG_ERR_SESSION_STATE', 'This punchout session is read-only (inspect): no cart can be returned.')
  }
  nextStatus(session.status, 'returnCart', `The punchout session is ${session.status.replace('_', ' ')}; a cart can be returned only once the buyer has entered the storefront.`)
  if (!session.returnUrl) {
    throw new PunchgateError('PG_ERR_SESSION_STATE', 'The punchout session has no return URL.')
  }
}

function singleCurrency(items: CartItemInput[]): string | null {
  const currencies = new Set(items.map((i) => i.currency))
  if (currencies.size > 1) {
    throw new PunchgateError('PG_ERR_CART_INVALID', `A cart must have one currency; this one has ${[...currencies].join(', ')}.`)
  }
  return items[0]?.currency ?? null
}

function toCartLine(item: CartItemInput, sessionId: string, lineNumber: number): CartLine {
  const classification =
    typeof item.classification === 'string' ? { domain: 'UNSPSC', code: item.classification } : item.classification
  return {
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    currency: item.currency,
    description: item.description,
    unitOfMeasure: item.unitOfMeasure,
    ...(classification ? { classification } : {}),
    ...(item.leadTimeDays !== undefined ? { leadTimeDays: item.leadTimeDays } : {}),
    ...(item.manufacturerName ? { manufacturerName: item.manufacturerName } : {}),
    ...(item.manufacturerPartId ? { manufacturerPartId: item.manufacturerPartId } : {}),
    // The round-trip key: session and line, so a later edit or OrderRequest finds its cart line.
    auxiliaryId: `${sessionId}/${lineNumber}`,
  }
}
