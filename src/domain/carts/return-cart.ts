import { randomUUID } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import type { Cart, PunchoutSession } from '../../persistence/entities/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'
import { OCI_LARGE_CART_LINES } from '../../protocols/oci/cart.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'
import { checkCartPrices } from '../pricing/check.ts'
import { resolveCartChecks } from '../provisioning/cart-rules.ts'
import type { CommitOutcome } from '../sessions/setup.ts'
import { cartReturnStatus, statusesAllowing } from '../sessions/states.ts'
import { cartTotal } from './amounts.ts'
import { cartCheckEvents, checkCart, refuseOnFindings } from './cart-checks.ts'
import type { CartItemInput } from './cart-item.ts'
import { cxmlTransfer, ociTransfer, type CartTransfer } from './transfer.ts'

export interface ReturnedCart {
  session: PunchoutSession
  cart: Cart
  transfer: CartTransfer
  plan: WritePlan
}

/**
 * The storefront hands back the cart of a started session. It is validated, kept as a Cart row,
 * turned into the buyer system's format (cXML PunchOutOrderMessage or OCI fields) and answered
 * as the form the browser must post to the allow-listed return URL. One read, then one write
 * (through `commit`, with the answer's journal row) that applies only while the session still
 * allows a cart return. With an `actor` (a storefront token), a session of a customer outside its
 * scope answers as unknown, before anything else is checked; the built-in storefront, which holds
 * the session through its signed-in browser, passes none.
 */
export async function returnCart(deps: Deps, sessionId: string, items: CartItemInput[], commit: CommitOutcome<ReturnedCart>, actor?: Actor, storefrontCurrency?: string): Promise<ReturnedCart> {
  for (let look = 0; look < 2; look++) {
    const returned = await decideCartReturn(deps, sessionId, items, actor, storefrontCurrency)
    if (await commit(returned)) return returned
  }
  throw new PunchgateError('PG_ERR_SESSION_STATE', 'The punchout session changed while the cart was being returned; return it again.')
}

async function decideCartReturn(deps: Deps, sessionId: string, items: CartItemInput[], actor: Actor | undefined, storefrontCurrency: string | undefined): Promise<ReturnedCart> {
  const now = deps.now()
  // The price read needs only the session id: it runs beside the session read, not after it.
  const [found, prices] = await Promise.all([deps.store.session(sessionId), deps.prices.forSession(sessionId, items.map((i) => i.sku))])
  if (!found || (actor && !actorMaySee(actor, found.session.customerId))) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${sessionId}.`)
  const { session, customer } = found
  checkState(session)
  const lines = items.map((item, i) => toCartLine(item, session.id, i + 1))
  // The buyer system's rules (docs/identity-profiles.md, "Cart checks per buyer system"): under `block` a finding stops the cart here.
  const checks = resolveCartChecks(customer.identityProfile, customer.cartChecks, session.protocol)
  const findings = checkCart(lines, checks)
  refuseOnFindings(session.id, checks, findings, now)
  const currency = singleCurrency(items) ?? sessionCurrency(session) ?? storefrontCurrency ?? null
  const total = cartTotal(items, currency)
  const transfer =
    session.protocol === 'oci'
      ? ociTransfer(session, customer, lines)
      : cxmlTransfer(deps, session, customer, lines, currency, total, now)
  const cart: Cart = {
    id: randomUUID(), sessionId: session.id, lines, currency, total,
    transport: transfer.transport, document: transfer.document, createdAt: now,
  }
  const status = cartReturnStatus(session)
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
    }, {
      // Recorded only: a cart is never refused for its prices (docs/api.md, "Contract prices and price checks").
      sessionId: session.id, at: now, type: 'cart.price_checked', data: { cartId: cart.id, ...checkCartPrices(prices, lines, now, customer) },
    }, ...cartCheckEvents(session.id, checks, findings, now, cart.id)],
  }
  return { session: { ...session, status, cartReturnedAt: now, updatedAt: now }, cart, transfer, plan }
}

function checkState(session: PunchoutSession): void {
  if (session.operation === 'inspect') {
    throw new PunchgateError('PG_ERR_SESSION_STATE', 'This punchout session is read-only (inspect): no cart can be returned.')
  }
  cartReturnStatus(session, `The punchout session is ${session.status.replace('_', ' ')}; a cart can be returned only once the buyer has entered the storefront.`)
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

/** An empty cart keeps the session's currency: that of the lines the buyer system sent to edit. */
function sessionCurrency(session: PunchoutSession): string | undefined {
  return (session.restoredItems as Array<{ currency?: string }>).find((i) => i.currency)?.currency
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
    // The round-trip key: the buyer system's own for a line it sent to edit, else session and line, so a later edit or OrderRequest finds its cart line.
    auxiliaryId: item.auxiliaryId ?? `${sessionId}/${lineNumber}`,
    ...(item.extrinsics && Object.keys(item.extrinsics).length ? { extrinsics: item.extrinsics } : {}),
  }
}
