import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { cartReturnSchema } from '../../../../schemas/api/cart.ts'
import { returnCart } from '../../../domain/carts/return-cart.ts'
import type { Deps } from '../../../domain/deps.ts'
import { consumeOnce } from '../../../domain/federation/single-use.ts'
import { viewSession } from '../../../domain/sessions/view.ts'
import { PunchgateError } from '../../../errors/index.ts'
import { Product, PunchoutSession } from '../../../persistence/entities/index.ts'
import type { WritePlan } from '../../../persistence/punchout-store.ts'
import { contentSecurityPolicy } from '../../../web/html.ts'
import { sendTransferReply, transferReply, type TransferReply } from '../../../web/transfer.ts'
import { cartLines, pricedCatalog, restoreCart, setQuantity, toCartItems } from './catalog.ts'
import { shopPage } from './pages.ts'
import { ShopSessionCookie } from './session-cookie.ts'

/** What the built-in storefront needs from the gateway that mounts it. */
export interface BuiltinStorefrontOptions {
  deps: Deps
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

/**
 * The built-in reference storefront: it logs the buyer in from the gateway's signed assertion
 * (verified like any external storefront would), shows the catalog with contract prices, keeps
 * a cart, and returns it through the same cart-return path an external storefront uses.
 * A Fastify plugin, registered by the composition root (src/http/app.ts) under
 * BUILTIN_STOREFRONT_PREFIX; requests carry `request.em` (one entity manager per request).
 */
export async function registerBuiltinStorefront(app: FastifyInstance, options: BuiltinStorefrontOptions): Promise<void> {
  const { deps } = options
  const cookie = new ShopSessionCookie(deps.hasher, deps.config.publicUrl.startsWith('https:'))
  const config = { surface: 'html' as const }
  const schema = { hide: true }

  app.get('/login', { config, schema }, async (request, reply) => {
    const assertion = (request.query as Record<string, unknown>).assertion
    if (typeof assertion !== 'string') throw new PunchgateError('PG_ERR_ASSERTION_INVALID', 'The storefront was opened without an identity assertion. Start the punchout from your procurement system.')
    const claims = await deps.signer.verify(assertion)
    const fresh = await consumeOnce(request.em, 'assert', claims.jti, new Date((claims.exp + 60) * 1000))
    if (!fresh) throw new PunchgateError('PG_ERR_ASSERTION_INVALID', 'This sign-in link was already used. Start the punchout again from your procurement system.')
    const view = await viewSession(request.em, claims.sid)
    const dropped = view.restoredItems.length ? await restoreCart(request.em, view.id, view.restoredItems) : []
    cookie.set(reply, claims.sid, deps.now())
    const next = new URLSearchParams()
    if (dropped.length) next.set('notice', `Not in this catalog any more: ${dropped.join(', ')}`)
    // OCI FUNCTION=SOURCING: the shop opens on the results for the buyer's SEARCHSTRING.
    const search = (await request.em.findOne(PunchoutSession, { id: view.id }))?.protocolContext.oci?.searchString
    if (search) next.set('q', search)
    return reply.header('cache-control', 'no-store').redirect(next.size ? `/shop?${next}` : '/shop', 303)
  })

  app.get('/', { config, schema }, async (request, reply) => {
    const sid = requireShopSession(request)
    const view = await viewSession(request.em, sid)
    const [catalog, lines] = await Promise.all([
      pricedCatalog(request.em, view.customer.id, view.permissions.includes('view_contract_prices')),
      cartLines(request.em, sid),
    ])
    const { notice, q } = request.query as Record<string, unknown>
    const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined)
    return sendPage(reply, shopPage(view, catalog, lines, cookie.csrf(sid), text(notice, 300), text(q, 200)))
  })

  app.post('/cart', { config, schema }, async (request, reply) => {
    const { sid, form } = await shopForm(request)
    const view = await viewSession(request.em, sid)
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
    return reply.redirect('/shop#cart', 303)
  })

  // Journaled like the cart-return API: the same cart, returned by the built-in storefront.
  app.post('/return', { config: { ...config, journal: 'cart' }, schema }, async (request, reply) => {
    const { sid } = await shopForm(request)
    request.journal!.sessionId = sid
    const view = await viewSession(request.em, sid)
    if (!view.permissions.includes('return_cart')) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'Your role may not return carts to procurement.')
    const catalog = await pricedCatalog(request.em, view.customer.id, view.permissions.includes('view_contract_prices'))
    const parsed = cartReturnSchema.safeParse({ items: toCartItems(await cartLines(request.em, sid), catalog) })
    if (!parsed.success) throw new PunchgateError('PG_ERR_CART_INVALID', 'The cart cannot be returned as it is; check the quantities.')
    request.journal!.body = Buffer.from(JSON.stringify(parsed.data))
    let answer: TransferReply | undefined
    await returnCart(deps, sid, parsed.data.items, (returned) => {
      answer = transferReply(request, returned.transfer)
      return options.commitAnswer(request, reply, answer, returned.plan, { sessionId: sid, customerId: returned.session.customerId })
    })
    return sendTransferReply(reply, answer!)
  })

  function requireShopSession(request: FastifyRequest): string {
    const sid = cookie.read(request, deps.now())
    if (!sid) throw new PunchgateError('PG_ERR_ASSERTION_INVALID', 'You are not signed in to the storefront. Start the punchout from your procurement system.')
    return sid
  }

  async function shopForm(request: FastifyRequest): Promise<{ sid: string; form: URLSearchParams }> {
    const sid = requireShopSession(request)
    const form = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '')
    if (form.get('csrf') !== cookie.csrf(sid)) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'The form has expired; reload the page.')
    return { sid, form }
  }
}

function sendPage(reply: FastifyReply, body: string) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', contentSecurityPolicy()).send(body)
}
