/**
 * OCI background calls (FUNCTION=VALIDATE, BACKGROUND_SEARCH; docs/oci.md, "FUNCTIONs"): the
 * buyer system wants item data without a shopper. The call is provisioned like any setup and its
 * session goes straight from `provisioned` to `cart_returned` in the same write: nobody enters the
 * storefront, so it is never `started`, and it is written without a start link. The timeline says
 * which FUNCTION it was and what it found; the Cart row keeps what was sent, as for a cart the
 * shopper returned. A call that fails after provisioning is recorded as a failed session and
 * provisions nothing.
 */
import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import { Cart, PunchoutSession } from '../../persistence/entities/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'
import type { CatalogItem } from '../catalog/catalog.ts'
import type { Deps } from '../deps.ts'
import { commitSetup, refused, type CommitOutcome, type SetupInput } from '../sessions/setup.ts'
import { nextStatus } from '../sessions/states.ts'
import { Timeline } from '../sessions/timeline.ts'
import { cartItemSchema } from './cart-item.ts'
import { cartTotal } from './amounts.ts'
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
  const parsed = cartItemSchema.safeParse({
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
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')
    throw new PunchgateError('PG_ERR_CART_INVALID', `The catalog's product ${JSON.stringify(item.sku.slice(0, 100))} cannot be sent to procurement as it is (${issues}); the supplier must correct it in the catalog.`)
  }
  return {
    ...parsed.data,
    ...(item.unspsc ? { classification: { domain: 'UNSPSC', code: item.unspsc } } : {}),
    auxiliaryId: `${sessionId}/${lineNumber}`,
  } as CartLine
}

export interface BackgroundAnswer {
  sessionId: string
  transfer: CartTransfer
  plan: WritePlan
}

/**
 * Answers a background call: the NEW_ITEM fields of `lines` (possibly none: a search without
 * hits returns the buyer an empty selection) for HOOK_URL, on a session provisioned for it.
 */
export function answerBackgroundCall(
  deps: Deps,
  input: SetupInput,
  call: BackgroundCall,
  lines: BackgroundLine[],
  commit: CommitOutcome<BackgroundAnswer>,
): Promise<BackgroundAnswer> {
  return commitSetup(deps, { ...input, withoutStartLink: true }, (setup) => withCart(deps, input, setup.plan, call, lines), commit)
}

function withCart(deps: Deps, input: SetupInput, plan: WritePlan, call: BackgroundCall, lines: BackgroundLine[]): BackgroundAnswer {
  const session = plan.newSession!
  const now = deps.now()
  try {
    const cartLines = lines.map((line, i) => toCartLine(line, session.id, i + 1))
    const currencies = new Set(cartLines.map((l) => l.currency))
    // OCI carries a currency per line; the Cart row's single currency only when there is one.
    const currency = currencies.size === 1 ? cartLines[0]!.currency : null
    const total = cartTotal(cartLines, currency)
    const transfer = ociTransfer(session, input.customer, cartLines)
    const cart: Cart = {
      id: randomUUID(), sessionId: session.id, lines: cartLines, currency, total,
      transport: transfer.transport, document: transfer.document, createdAt: now,
    }
    const answered: PunchoutSession = { ...session, status: nextStatus(session.status, 'answerInBackground'), cartReturnedAt: now }
    const events = [
      ...plan.events!,
      { sessionId: session.id, at: now, type: 'oci.background', data: { function: call.function, ...call.note, note: 'no storefront visit: no start link was issued' } },
      {
        sessionId: session.id, at: now, type: 'cart.returned',
        data: { cartId: cart.id, lines: cartLines.length, total, currency, transport: transfer.transport, to: transfer.action, repeated: false, background: call.function },
      },
    ]
    return { sessionId: session.id, transfer, plan: { ...plan, newSession: answered, cart, events } }
  } catch (err) {
    // The decided timeline up to the failure, then the failure: nothing was provisioned. An
    // unexpected error is recorded too (as an internal one), so support finds the call.
    const failure = isPunchgateError(err) ? err : new PunchgateError('PG_ERR_INTERNAL', undefined, { cause: err })
    const timeline = new Timeline(deps.now)
    timeline.events.push(...plan.events!.map((e) => ({ type: e.type, at: e.at, data: e.data })))
    throw refused(input, session.id, now, failure, timeline)
  }
}
