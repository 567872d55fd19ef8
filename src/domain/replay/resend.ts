import { Buffer } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { SessionEvent, type Cart, type Customer, type PunchoutSession } from '../../persistence/entities/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'
import { audit, actorMaySee, type Actor } from '../audit/audit.ts'
import { ociOptionsSchema } from '../carts/oci-options.ts'
import type { CartTransfer } from '../carts/transfer.ts'
import type { Deps } from '../deps.ts'
import { consumeOnce } from '../federation/single-use.ts'
import { UUID } from '../journal/scope.ts'
import { checkReturnUrl } from '../return-url.ts'
import { SessionRefusal } from '../sessions/refusal.ts'

/**
 * Re-sending a returned cart (docs/api.md, "Re-send a returned cart"): when a cart left the
 * gateway but never reached the procurement system, support issues a one-time link; opened in the
 * buyer's browser, it posts the stored cart document — the same bytes as first sent — to the
 * session's return URL again, if today's allow-list still accepts it.
 *
 * The link is `PUBLIC_URL/punchout/resend/<payload>.<mac>`: the payload names the session, the
 * cart, an expiry and a one-time id; the MAC is HMAC-SHA-256 under the server key. Its one-time
 * id is consumed in the table of used keys (kind `resend`), so the link works once, across
 * replicas and concurrent opens.
 */

const RESEND_LINK_TTL_SECONDS = 15 * 60

interface LinkClaims {
  sid: string
  cart: string
  exp: number
  jti: string
}

export interface ResendLink {
  url: string
  expiresAt: string
  cartId: string
}

/** Issues the link for the session's latest cart (`operate`, within the actor's scope); audited and on the timeline. */
export async function issueResendLink(deps: Deps, em: SqlEntityManager, actor: Actor, sessionId: string): Promise<ResendLink> {
  const found = UUID.test(sessionId) ? await deps.store.session(sessionId.toLowerCase()) : undefined
  if (!found || !actorMaySee(actor, found.session.customerId)) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${sessionId}.`)
  const { session, customer } = found
  const cart = await latestCart(em, session.id)
  if (!cart) throw new PunchgateError('PG_ERR_RESEND_UNAVAILABLE', 'No cart was returned in this session, so there is nothing to re-send.')
  if (cart.document === null) throw new PunchgateError('PG_ERR_RESEND_UNAVAILABLE', "The cart's document was purged (the customer's retention period passed), so it cannot be re-sent.")
  allowedToday(session, customer)
  const now = deps.now()
  const claims: LinkClaims = { sid: session.id, cart: cart.id, exp: Math.floor(now.getTime() / 1000) + RESEND_LINK_TTL_SECONDS, jti: randomUUID() }
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')
  const expiresAt = new Date(claims.exp * 1000).toISOString()
  em.persist(em.create(SessionEvent, { sessionId: session.id, at: now, type: 'cart.resend_issued', data: { cartId: cart.id, actor: actor.name, expiresAt, ...(actor.reason ? { reason: actor.reason } : {}) } }))
  audit(em, actor, { action: 'session.resend_link', targetType: 'session', targetId: session.id, customerId: session.customerId, after: { cartId: cart.id, expiresAt } }, now)
  await em.flush()
  return { url: `${deps.config.publicUrl}/punchout/resend/${payload}.${deps.hasher.hash(`resend.${payload}`)}`, expiresAt, cartId: cart.id }
}

/** What the opened link posts, and what to write with its journal row. */
export interface Resend {
  sessionId: string
  customerId: string
  transfer: CartTransfer
  plan: WritePlan
}

/**
 * Opens a re-send link: verified, unexpired, the return URL still allowed, then its one-time id
 * consumed — a second open, even a concurrent one, is refused (410). Refusals of a real link
 * are noted on the session's timeline with their journal row.
 */
export async function openResendLink(deps: Deps, em: SqlEntityManager, token: string): Promise<Resend> {
  const claims = verifiedClaims(deps, token)
  const now = deps.now()
  const found = await deps.store.session(claims.sid)
  const cart = found ? await latestCart(em, claims.sid, claims.cart) : undefined
  if (!found || !cart || cart.document === null) throw invalid()
  const { session, customer } = found
  const refuse = (code: 'PG_ERR_RESEND_LINK_EXPIRED' | 'PG_ERR_RESEND_LINK_USED' | 'PG_ERR_RETURN_URL_REFUSED', message: string) =>
    new SessionRefusal(code, message, session.id, { events: [{ sessionId: session.id, at: now, type: 'cart.resend_refused', data: { cartId: cart.id, code } }] })
  if (claims.exp * 1000 <= now.getTime()) throw refuse('PG_ERR_RESEND_LINK_EXPIRED', 'This link to send your cart again has expired. Ask the supplier for a new one.')
  try {
    allowedToday(session, customer)
  } catch (err) {
    throw refuse('PG_ERR_RETURN_URL_REFUSED', (err as Error).message)
  }
  if (!(await consumeOnce(em, 'resend', claims.jti, new Date(claims.exp * 1000)))) {
    throw refuse('PG_ERR_RESEND_LINK_USED', 'This link to send your cart again was already used. Check your procurement system for the cart, or ask the supplier for a new link.')
  }
  const transfer = storedTransfer(session, customer, cart)
  return {
    sessionId: session.id,
    customerId: session.customerId,
    transfer,
    plan: { events: [{ sessionId: session.id, at: now, type: 'cart.resent', data: { cartId: cart.id, to: transfer.action, transport: cart.transport } }] },
  }
}

const invalid = () => new PunchgateError('PG_ERR_RESEND_LINK_INVALID', 'This link to send your cart again is not valid. Ask the supplier for a new one.')

function verifiedClaims(deps: Deps, token: string): LinkClaims {
  const [payload, mac, extra] = token.split('.')
  if (!payload || !mac || extra !== undefined || !deps.hasher.verify(`resend.${payload}`, mac)) throw invalid()
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims
  if (!UUID.test(claims.sid) || !UUID.test(claims.cart) || !Number.isInteger(claims.exp) || typeof claims.jti !== 'string') throw invalid()
  return claims
}

/** The return URL, judged by today's allow-list. */
function allowedToday(session: PunchoutSession, customer: Customer): void {
  if (!session.returnUrl) throw new PunchgateError('PG_ERR_RESEND_UNAVAILABLE', 'The session has no return URL to send the cart to.')
  checkReturnUrl(session.returnUrl, customer.returnUrlHosts)
}

async function latestCart(em: SqlEntityManager, sessionId: string, cartId?: string): Promise<Pick<Cart, 'id' | 'transport' | 'document'> | undefined> {
  const rows = await em.execute<Array<{ id: string; transport: string; document: string | null }>>(
    `select id, transport, document from carts where session_id = ?${cartId ? ' and id = ?' : ''} order by created_at desc, id desc limit 1`,
    cartId ? [sessionId, cartId] : [sessionId],
  )
  return rows[0]
}

/**
 * The form as first posted, rebuilt from the stored document: the PunchOutOrderMessage in the
 * field its transport names (base64 for `cxml-base64`), or the OCI fields kept as JSON.
 */
function storedTransfer(session: PunchoutSession, customer: Customer, cart: Pick<Cart, 'transport' | 'document'>): CartTransfer {
  const document = cart.document!
  const base = { action: session.returnUrl!, transport: cart.transport, document }
  if (cart.transport === 'cxml-urlencoded' || cart.transport === 'cxml-base64') {
    const value = cart.transport === 'cxml-base64' ? Buffer.from(document, 'utf8').toString('base64') : document
    return { ...base, charset: 'UTF-8', fields: [[cart.transport, value]] }
  }
  const target = session.protocolContext.oci?.target
  return { ...base, ...(target ? { target } : {}), charset: ociOptionsSchema.parse(customer.ociOptions ?? {}).charset, fields: JSON.parse(document) as Array<[string, string]> }
}
