import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { cartReturnSchema } from '../../../../schemas/api/cart.ts'
import type { CartFinding } from '../../../domain/carts/cart-checks.ts'
import { returnCart } from '../../../domain/carts/return-cart.ts'
import type { Deps } from '../../../domain/deps.ts'
import { consumeOnce, wasConsumed } from '../../../domain/federation/single-use.ts'
import { SessionRefusal } from '../../../domain/sessions/refusal.ts'
import { viewSession } from '../../../domain/sessions/view.ts'
import { PunchgateError } from '../../../errors/index.ts'
import { Product, PunchoutSession, type ShopKeptLine } from '../../../persistence/entities/index.ts'
import type { WritePlan } from '../../../persistence/punchout-store.ts'
import { contentSecurityPolicy } from '../../../web/html.ts'
import { sendTransferReply, transferReply, type TransferReply } from '../../../web/transfer.ts'
import { cartCheckPage } from './cart-check-page.ts'
import { cartLines, keptLines, missingForReturn, pricedCatalog, removeKeptLine, restoreCart, setQuantity, toCartItems } from './catalog.ts'
import { registerOnBehalfRoutes } from './on-behalf-routes.ts'
import { sessionNotKeptPage, shopPage } from './pages.ts'
import { ShopSessions } from './shop-session.ts'

/** What the built-in storefront needs from the gateway that mounts it. */
export interface BuiltinStorefrontOptions {
  deps: Deps
  /** Where the composition root mounts these routes (page links and cookies name it). */
  prefix: string
  /**
   * The gateway's journal: writes a decided plan together with the journal row of the answer
   * about to leave; false when the plan's gate did not open.
   */
  commitAnswer(
    request: FastifyRequest,
    reply: FastifyReply,
    answer: { status: number; contentType?: string; body: string },
    plan: WritePlan,
    link: { sessionId?: string; customerId?: string },
  ): Promise<boolean>
}

interface HandleParams {
  handle: string
}

/**
 * The built-in reference storefront: it logs the buyer in from the gateway's signed assertion
 * (verified like any external storefront would), shows the catalog with contract prices, keeps
 * a cart, and returns it through the same cart-return path an external storefront uses.
 * Its pages live under `<prefix>/s/<handle>/`: the handle names the page's session and is bound
 * to this browser's key cookie (shop-session.ts, docs/storefront.md "Inside the buyer's frame").
 * A Fastify plugin, registered by the composition root (src/http/app.ts); requests carry
 * `request.em` (one entity manager per request) and a journal record (channel `shop`).
 */
export async function registerBuiltinStorefront(app: FastifyInstance, options: BuiltinStorefrontOptions): Promise<void> {
  const { deps, prefix } = options
  const sessions = new ShopSessions(deps.hasher, deps.config.publicUrl.startsWith('https:'), prefix)
  const config = { surface: 'html' as const, journal: 'shop' as const }
  const schema = { hide: true }
  const pagePath = (handle: string) => `${prefix}/s/${handle}/`
  await registerOnBehalfRoutes(app, { deps, pagePath, requireSession, sessionIdOf: (handle) => sessions.sessionIdOf(handle), sendPage, commitAnswer: options.commitAnswer })

  app.get('/login', { config, schema }, async (request, reply) => {
    const assertion = (request.query as Record<string, unknown>).assertion
    if (typeof assertion !== 'string') throw new PunchgateError('PG_ERR_ASSERTION_INVALID', 'The storefront was opened without an identity assertion. Start the punchout from your procurement system.')
    const claims = await deps.signer.verify(assertion)
    const fresh = await consumeOnce(request.em, 'assert', claims.jti, new Date((claims.exp + 60) * 1000))
    if (!fresh) throw new PunchgateError('PG_ERR_ASSERTION_INVALID', 'This sign-in link was already used. Start the punchout again from your procurement system.')
    const view = await viewSession(request.em, claims.sid)
    const kept = view.restoredItems.length ? await restoreCart(request.em, view.id, view.restoredItems) : []
    const key = sessions.browserKey(request)
    sessions.setCookie(reply, key)
    linkJournal(request, view.id, view.customer.id, 'storefront.signed_in', { framing: sessions.framing(request) })
    const next = new URLSearchParams({ entry: sessions.entryPass(view.id, 1, deps.now()) })
    if (kept.length) next.set('notice', `Not in this catalog, kept in your cart as your procurement system sent them: ${kept.join(', ')}`)
    // OCI FUNCTION=SOURCING: the shop opens on the results for the buyer's SEARCHSTRING.
    const search = (await request.em.findOne(PunchoutSession, { id: view.id }))?.protocolContext.oci?.searchString
    if (search) next.set('q', search)
    return reply.header('cache-control', 'no-store').redirect(`${pagePath(sessions.handle(view.id, key, deps.now()))}?${next}`, 303)
  })

  // A bookmark or a link from before the session handle: nothing names a session here.
  app.get('/', { config, schema }, async () => {
    throw new PunchgateError('PG_ERR_SHOP_SESSION_LOST', 'You are not signed in to the storefront. Start the punchout from your procurement system.')
  })

  app.get<{ Params: HandleParams }>('/s/:handle/', { config, schema }, async (request, reply) => {
    const { handle } = request.params
    const query = request.query as Record<string, unknown>
    const sid = sessions.verify(request, handle, deps.now())
    if (!sid) return sessionNotKept(request, reply, handle, query.entry)
    // The entry pass has done its work once the browser shows it keeps the session: a copy of
    // this first URL must not open "continue in a new window" elsewhere.
    const pass = sessions.readEntryPass(sid, query.entry, deps.now())
    if (pass) await consumeOnce(request.em, 'shop-entry', pass.nonce, pass.expiresAt)
    const view = await viewSession(request.em, sid)
    linkJournal(request, sid, view.customer.id)
    const [catalog, lines, kept] = await Promise.all([
      pricedCatalog(request.em, view.customer.id, view.permissions.includes('view_contract_prices'), deps.now()),
      cartLines(request.em, sid),
      keptLines(request.em, sid),
    ])
    const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined)
    return sendPage(reply, 200, shopPage(view, catalog, { lines, kept }, pagePath(handle), text(query.notice, 300), text(query.q, 200)))
  })

  // "Continue in a new window": the entry pass, posted from the page that said the frame keeps no session.
  app.post<{ Params: HandleParams }>('/s/:handle/continue', { config, schema }, async (request, reply) => {
    const sid = sessions.sessionIdOf(request.params.handle)
    const pass = sid ? sessions.readEntryPass(sid, formOf(request).get('entry'), deps.now()) : undefined
    if (!sid || !pass) throw lost('This link to continue has expired. Start the punchout again from your procurement system.')
    if (!(await consumeOnce(request.em, 'shop-entry', pass.nonce, pass.expiresAt))) {
      throw lost('This link to continue was already used. Start the punchout again from your procurement system.')
    }
    const session = await deps.store.session(sid)
    if (!session) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', 'This punchout session does not exist.')
    linkJournal(request, sid, session.customer.id, 'storefront.continued_in_new_window', { framing: sessions.framing(request) })
    const key = sessions.browserKey(request)
    sessions.setCookie(reply, key)
    const next = new URLSearchParams({ entry: sessions.entryPass(sid, 2, deps.now()) })
    return reply.header('cache-control', 'no-store').redirect(`${pagePath(sessions.handle(sid, key, deps.now()))}?${next}`, 303)
  })

  app.post<{ Params: HandleParams }>('/s/:handle/cart', { config, schema }, async (request, reply) => {
    const { handle } = request.params
    const sid = requireSession(request, handle)
    const form = formOf(request)
    const view = await viewSession(request.em, sid)
    linkJournal(request, sid, view.customer.id)
    if (view.readOnly || !view.permissions.includes('add_to_cart')) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'This cart cannot be changed.')
    const quantity = Number((form.get('quantity') ?? '').replace(',', '.'))
    // Quantities carry at most 3 decimals (the column and OCI's QUANTITY) and stay human-sized.
    if (!Number.isFinite(quantity) || quantity < 0 || quantity > 1e6 || Math.round(quantity * 1000) !== quantity * 1000) {
      throw new PunchgateError('PG_ERR_CART_INVALID', 'Enter a quantity from 0 to 1 000 000, with at most 3 decimals.')
    }
    const sku = form.get('sku') ?? ''
    if (!(await request.em.findOne(Product, { sku: sku.slice(0, 100) })) || sku.length > 100) {
      throw new PunchgateError('PG_ERR_CART_INVALID', 'That product is not in the catalog.')
    }
    await setQuantity(request.em, sid, sku, quantity)
    return reply.redirect(`${pagePath(handle)}#cart`, 303)
  })

  // A line kept from the buyer system's cart leaves it only when the buyer removes it.
  app.post<{ Params: HandleParams }>('/s/:handle/kept/remove', { config, schema }, async (request, reply) => {
    const { handle } = request.params
    const sid = requireSession(request, handle)
    const view = await viewSession(request.em, sid)
    linkJournal(request, sid, view.customer.id)
    if (view.readOnly || !view.permissions.includes('add_to_cart')) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'This cart cannot be changed.')
    const position = Number(formOf(request).get('position') ?? '')
    if (!Number.isSafeInteger(position) || position < 0) throw new PunchgateError('PG_ERR_CART_INVALID', 'That line is not in the cart.')
    await removeKeptLine(request.em, sid, position)
    return reply.redirect(`${pagePath(handle)}#cart`, 303)
  })

  // Journaled like the cart-return API: the same cart, returned by the built-in storefront.
  app.post<{ Params: HandleParams }>('/s/:handle/return', { config: { ...config, journal: 'cart' }, schema }, async (request, reply) => {
    const sid = requireSession(request, request.params.handle)
    request.journal!.sessionId = sid
    const view = await viewSession(request.em, sid)
    if (!view.permissions.includes('return_cart')) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'Your role may not return carts to procurement.')
    const catalog = await pricedCatalog(request.em, view.customer.id, view.permissions.includes('view_contract_prices'), deps.now())
    const [lines, kept] = await Promise.all([cartLines(request.em, sid), keptLines(request.em, sid)])
    refuseIncompleteKeptLines(kept)
    const parsed = cartReturnSchema.safeParse({ items: toCartItems(lines, catalog, kept) })
    if (!parsed.success) throw new PunchgateError('PG_ERR_CART_INVALID', 'The cart cannot be returned as it is; check the quantities.')
    request.journal!.body = Buffer.from(JSON.stringify(parsed.data))
    let answer: TransferReply | undefined
    try {
      await returnCart(deps, sid, parsed.data.items, (returned) => {
        answer = transferReply(request, returned.transfer)
        return options.commitAnswer(request, reply, answer, returned.plan, { sessionId: sid, customerId: returned.session.customerId })
      }, undefined, catalog[0]?.product.currency)
    } catch (err) {
      if (err instanceof SessionRefusal && err.code === 'PG_ERR_CART_CHECK_FAILED') return blockedCart(request, reply, err, pagePath(request.params.handle), view.customer.id)
      throw err
    }
    return sendTransferReply(reply, answer!)
  })

  /** A cart its checks block: a page naming the lines to fix; the refusal's timeline event is written with the journal row. */
  function blockedCart(request: FastifyRequest, reply: FastifyReply, err: SessionRefusal, base: string, customerId: string) {
    Object.assign(request.journal!, { customerId, outcome: 'refused', errorCode: err.code, plan: err.plan })
    return sendPage(reply, 422, cartCheckPage(err.details!.findings as CartFinding[], base, request.id))
  }

  /**
   * The handle's session did not come with this browser's key. Straight from the sign-in (a
   * valid, unused entry pass), that means the browser keeps no cookie for the storefront where
   * it is: the buyer is told so and offered a window of its own, and the timeline records it.
   * Anything else is a link without its browser (copied, bookmarked, expired): not signed in.
   */
  async function sessionNotKept(request: FastifyRequest, reply: FastifyReply, handle: string, entry: unknown) {
    const sid = sessions.sessionIdOf(handle)
    const pass = sid ? sessions.readEntryPass(sid, entry, deps.now()) : undefined
    if (!sid || !pass || (await wasConsumed(request.em, 'shop-entry', pass.nonce))) {
      throw lost('The storefront did not receive your sign-in from this browser: the link was opened elsewhere, or the session ended. Start the punchout again from your procurement system.')
    }
    const session = await deps.store.session(sid)
    if (!session) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', 'This punchout session does not exist.')
    const framing = sessions.framing(request)
    linkJournal(request, sid, session.customer.id, 'storefront.session_not_kept', { framing, attempt: pass.attempt })
    Object.assign(request.journal!, { outcome: 'refused', errorCode: 'PG_ERR_SHOP_SESSION_NOT_KEPT' })
    const offerWindow = pass.attempt === 1 && framing !== 'top'
    const host = new URL(deps.config.publicUrl).host
    const body = sessionNotKeptPage({ continueAction: offerWindow ? `${pagePath(handle)}continue` : undefined, entry: String(entry), host, reference: request.id })
    return sendPage(reply, 200, body)
  }

  function requireSession(request: FastifyRequest, handle: string): string {
    const sid = sessions.verify(request, handle, deps.now())
    if (!sid) throw lost('This page is not signed in from this browser: it was opened elsewhere, or the session ended. Start the punchout again from your procurement system.')
    return sid
  }

  /** Links the journal row to the session and, with `event`, puts the event on its timeline in the same write. */
  function linkJournal(request: FastifyRequest, sessionId: string, customerId: string, event?: string, data: Record<string, unknown> = {}) {
    Object.assign(request.journal!, { sessionId, customerId })
    if (event) request.journal!.plan = { events: [{ sessionId, at: deps.now(), type: event, data }] }
  }
}

/** A kept line goes back as it came or not at all: one the buyer system sent without a price (say) is named, to be removed. */
function refuseIncompleteKeptLines(kept: ShopKeptLine[]): void {
  const incomplete = kept.map((line) => [line, missingForReturn(line)] as const).filter(([, missing]) => missing.length > 0)
  if (incomplete.length === 0) return
  const named = incomplete.map(([line, missing]) => `${(line.item as { supplierPartID?: string }).supplierPartID} (no ${missing.join(', ')})`)
  throw new PunchgateError('PG_ERR_CART_INVALID', `Your procurement system sent these lines without what a returned cart needs: ${named.join('; ')}. Remove them from the cart, then return it.`)
}

const lost = (message: string) => new PunchgateError('PG_ERR_SHOP_SESSION_LOST', message)

const formOf = (request: FastifyRequest) => new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '')

/** Shop pages: never cached, never leaking their path (the handle) in a Referer. */
function sendPage(reply: FastifyReply, status: number, body: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', contentSecurityPolicy())
    .send(body)
}
