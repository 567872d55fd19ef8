import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { cartReturnSchema } from '../../../../schemas/api/cart.ts'
import type { CartItemInput } from '../../../domain/carts/cart-item.ts'
import type { Deps } from '../../../domain/deps.ts'
import { auditOnBehalfOrder, decideOnBehalfOrder, prepareCartForBuyer, refuseEndedOnBehalf } from '../../../domain/on-behalf/act.ts'
import { viewSession } from '../../../domain/sessions/view.ts'
import { PunchgateError } from '../../../errors/index.ts'
import { Customer, PunchoutSession } from '../../../persistence/entities/index.ts'
import type { WritePlan } from '../../../persistence/punchout-store.ts'
import { cartLines, pricedCatalog, toCartItems } from './catalog.ts'
import { onBehalfOrderedPage } from './on-behalf-pages.ts'

/** What the on-behalf pages need from the storefront plugin that mounts them (routes.ts). */
export interface OnBehalfRouteContext {
  deps: Deps
  pagePath(handle: string): string
  /** The session the page's handle names, bound to this browser; refuses otherwise. */
  requireSession(request: FastifyRequest, handle: string): string
  /** The session id a handle names, not yet proven to belong to this browser. */
  sessionIdOf(handle: string): string | undefined
  sendPage(reply: FastifyReply, status: number, body: string): FastifyReply
  commitAnswer(request: FastifyRequest, reply: FastifyReply, answer: { status: number; contentType?: string; body: string }, plan: WritePlan, link: { sessionId?: string; customerId?: string }): Promise<boolean>
}

const config = { surface: 'html' as const, journal: 'shop' as const }
const schema = { hide: true }

/**
 * The built-in storefront's side of order on behalf (docs/storefront.md, "Order on behalf"): every
 * page of an on-behalf session is refused once its time box ended or the customer switched order
 * on behalf off, and the agent saves the cart for the buyer or orders it with the buyer's PO number.
 */
export async function registerOnBehalfRoutes(app: FastifyInstance, ctx: OnBehalfRouteContext): Promise<void> {
  const { deps } = ctx

  app.addHook('preHandler', async (request) => {
    const handle = (request.params as { handle?: string } | undefined)?.handle
    const sid = handle ? ctx.sessionIdOf(handle) : undefined
    if (!sid) return
    const session = await request.em.findOne(PunchoutSession, { id: sid, onBehalfAgent: { $ne: null } })
    if (!session) return
    if (request.journal) Object.assign(request.journal, { sessionId: sid, customerId: session.customerId })
    const customer = await request.em.findOneOrFail(Customer, { id: session.customerId }, { fields: ['onBehalf'] })
    await refuseEndedOnBehalf(request.em, session, customer, deps.now())
  })

  app.post<{ Params: { handle: string } }>('/s/:handle/on-behalf/prepare', { config, schema }, async (request, reply) => {
    const { session, view, items } = await agentCart(request)
    const prepared = await prepareCartForBuyer(request.em, session, items, deps.now())
    const buyer = view.user?.name ?? view.user?.email ?? 'the buyer'
    const notice = `Saved for ${buyer} (${prepared.lines.length} line(s), ${prepared.total} ${prepared.currency ?? ''}): their next punchout opens with this cart.`
    return reply.redirect(`${ctx.pagePath(request.params.handle)}?${new URLSearchParams({ notice })}`, 303)
  })

  app.post<{ Params: { handle: string } }>('/s/:handle/on-behalf/order', { config, schema }, async (request, reply) => {
    const { session, view, items } = await agentCart(request)
    const customer = await request.em.findOneOrFail(Customer, { id: session.customerId })
    const poNumber = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '').get('poNumber') ?? ''
    const { order, plan } = await decideOnBehalfOrder(deps, session, customer, items, poNumber)
    const body = onBehalfOrderedPage(view, order)
    const written = await ctx.commitAnswer(request, reply, { status: 200, contentType: 'text/html; charset=utf-8', body }, plan, { sessionId: session.id, customerId: customer.id })
    if (!written) throw new PunchgateError('PG_ERR_ORDER_CONFLICT', `The PO number ${order.orderId} was already used for an order of ${customer.name}, or this session was ordered meanwhile. Ask the buyer for the right PO number.`)
    await auditOnBehalfOrder(request.em, session, order, deps.now())
    return ctx.sendPage(reply, 200, body)
  })

  /** The agent's session and its cart, as the cart-return API would take it. */
  async function agentCart(request: FastifyRequest<{ Params: { handle: string } }>): Promise<{ session: PunchoutSession; view: Awaited<ReturnType<typeof viewSession>>; items: CartItemInput[] }> {
    const sid = ctx.requireSession(request, request.params.handle)
    const [session, view] = await Promise.all([request.em.findOneOrFail(PunchoutSession, { id: sid }), viewSession(request.em, sid)])
    Object.assign(request.journal!, { sessionId: sid, customerId: session.customerId })
    if (!session.onBehalfAgent) throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'Only an agent acting on behalf of a buyer can do this.')
    const catalog = await pricedCatalog(request.em, session.customerId, view.permissions.includes('view_contract_prices'), deps.now())
    const parsed = cartReturnSchema.safeParse({ items: toCartItems(await cartLines(request.em, sid), catalog) })
    if (!parsed.success) throw new PunchgateError('PG_ERR_CART_INVALID', 'The cart cannot be saved or ordered as it is; check the quantities.')
    request.journal!.body = Buffer.from(JSON.stringify(parsed.data))
    return { session, view, items: parsed.data.items }
  }
}
