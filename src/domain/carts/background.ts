/**
 * OCI background calls (FUNCTION=VALIDATE, BACKGROUND_SEARCH; protocol.md §10): the buyer system
 * wants item data without a shopper. The session setupSession created for the call goes
 * straight from `provisioned` to `cart_returned`: nobody enters the storefront, so it is never
 * `started`, and its start link — never sent to anyone — is revoked in the same step. The
 * timeline says which FUNCTION it was and what it found; the Cart row keeps what was sent, as
 * for a cart the shopper returned.
 */
import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { cartItemSchema } from '../../../schemas/api/cart.ts'
import { PunchgateError } from '../../errors/index.ts'
import { Cart, Customer, PunchoutSession, SessionEvent } from '../../persistence/entities/index.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'
import type { CatalogItem } from '../catalog/catalog.ts'
import type { Deps } from '../deps.ts'
import { cartTotalUnits, formatAmount } from './return-cart.ts'
import { ociTransfer, type CartTransfer } from './transfer.ts'

export interface BackgroundLine {
  item: CatalogItem
  quantity: number
}

export interface BackgroundCall {
  function: 'VALIDATE' | 'BACKGROUND_SEARCH'
  /** What was asked and found, for the timeline (PRODUCTID/QUANTITY or SEARCHSTRING, hits). */
  note: Record<string, unknown>
}

const AUXILIARY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/\d+$/i

/**
 * DETAIL and VALIDATE send back as PRODUCTID the EXT_PRODUCT_ID of a cart line we returned
 * earlier, which is our round-trip key `session/line` (transfer.ts), not the SKU. It names the
 * SKU only within the calling customer's own sessions; anything else is taken as a SKU.
 */
export async function resolveOciProductId(em: SqlEntityManager, customerId: string, productId: string): Promise<string> {
  const sessionId = AUXILIARY_ID.exec(productId)?.[1]
  if (!sessionId) return productId
  const session = await em.findOne(PunchoutSession, { id: sessionId.toLowerCase(), customerId })
  if (!session) return productId
  const carts = await em.find(Cart, { sessionId: session.id }, { orderBy: { createdAt: 'desc' } })
  for (const cart of carts) {
    const line = (cart.lines as CartLine[]).find((l) => l.auxiliaryId === productId)
    if (line) return line.sku
  }
  return productId
}

/** The line as a storefront would have returned it, validated by the same schema as the cart API. */
function toCartLine({ item, quantity }: BackgroundLine, sessionId: string, lineNumber: number): CartLine {
  const input = cartItemSchema.parse({
    sku: item.sku,
    quantity,
    unitPrice: item.unitPrice,
    currency: item.currency,
    // As the built-in storefront describes a product in a returned cart.
    description: item.name === item.description ? item.name : `${item.name} - ${item.description}`,
    unitOfMeasure: item.unitOfMeasure,
    ...(item.leadTimeDays !== undefined ? { leadTimeDays: item.leadTimeDays } : {}),
    ...(item.manufacturerName ? { manufacturerName: item.manufacturerName } : {}),
    ...(item.manufacturerPartId ? { manufacturerPartId: item.manufacturerPartId } : {}),
  })
  return {
    ...input,
    ...(item.unspsc ? { classification: { domain: 'UNSPSC', code: item.unspsc } } : {}),
    auxiliaryId: `${sessionId}/${lineNumber}`,
  } as CartLine
}

/**
 * Answers a background call on its freshly provisioned session: the NEW_ITEM fields of `lines`
 * (possibly none: a search without hits returns the buyer an empty selection) for HOOK_URL.
 */
export async function returnBackgroundCart(
  deps: Deps,
  em: SqlEntityManager,
  sessionId: string,
  call: BackgroundCall,
  lines: BackgroundLine[],
): Promise<{ session: PunchoutSession; cart: Cart; transfer: CartTransfer }> {
  const now = deps.now()
  return em.transactional(async (tem) => {
    const session = await tem.findOneOrFail(PunchoutSession, { id: sessionId }, { refresh: true })
    if (session.protocol !== 'oci' || session.status !== 'provisioned' || !session.returnUrl) {
      throw new PunchgateError('PG_ERR_SESSION_STATE', `The punchout session is ${session.status}; a background ${call.function} needs a new one.`)
    }
    const customer = await tem.findOneOrFail(Customer, { id: session.customerId })
    const cartLines = lines.map((line, i) => toCartLine(line, session.id, i + 1))
    const currencies = new Set(cartLines.map((l) => l.currency))
    // OCI carries a currency per line; the Cart row's single currency only when there is one.
    const currency = currencies.size === 1 ? cartLines[0]!.currency : null
    const total = formatAmount(cartTotalUnits(cartLines))
    const transfer = ociTransfer(session, customer, cartLines)
    const cart = tem.create(Cart, {
      id: randomUUID(), sessionId: session.id, lines: cartLines, currency, total,
      transport: transfer.transport, document: transfer.document, createdAt: now,
    })
    session.status = 'cart_returned'
    session.startTokenHash = null
    session.cartReturnedAt = now
    session.updatedAt = now
    tem.create(SessionEvent, {
      sessionId: session.id, at: now, type: 'oci.background',
      data: { function: call.function, ...call.note, note: 'no storefront visit: the start link was revoked unused' },
    } as SessionEvent)
    tem.create(SessionEvent, {
      sessionId: session.id, at: now, type: 'cart.returned',
      data: { cartId: cart.id, lines: cartLines.length, total, currency, transport: transfer.transport, to: transfer.action, repeated: false, background: call.function },
    } as SessionEvent)
    return { session, cart, transfer }
  })
}

/** A background call that failed after its session was provisioned: close the session, kill its link. */
export async function failBackgroundSession(em: SqlEntityManager, sessionId: string, err: PunchgateError, now: Date): Promise<void> {
  await em.transactional(async (tem) => {
    const session = await tem.findOneOrFail(PunchoutSession, { id: sessionId }, { refresh: true })
    session.status = 'failed'
    session.failureCode = err.code
    session.failureText = err.publicMessage
    session.startTokenHash = null
    session.updatedAt = now
    tem.create(SessionEvent, { sessionId, at: now, type: 'session.failed', data: { code: err.code, text: err.publicMessage } } as SessionEvent)
  })
}
