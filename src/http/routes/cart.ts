import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { cartReturnSchema, cartTransferSchema, sessionParamsSchema } from '../../../schemas/api/cart.ts'
import { sessionViewSchema } from '../../../schemas/api/sessions.ts'
import { actorMaySee } from '../../domain/audit/audit.ts'
import { returnCart } from '../../domain/carts/return-cart.ts'
import { viewSession } from '../../domain/sessions/view.ts'
import { PunchgateError } from '../../errors/index.ts'
import { sendTransferReply, transferReply, type TransferReply } from '../../web/transfer.ts'
import { commitAnswer } from '../journal.ts'
import type { RouteContext } from './index.ts'

/**
 * The storefront side of a punchout session: read the session (restored cart, operation) and
 * return the cart. Authorized by a storefront token, limited to its customers' sessions if it has a
 * customer scope.
 */
export async function cartRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get('/punchout/sessions/:sid', {
    onRequest: ctx.auth('cart'),
    schema: { tags: ['storefront'], summary: 'A punchout session as the storefront needs it', params: sessionParamsSchema, response: { 200: sessionViewSchema } },
  }, async (request) => {
    const view = await viewSession(request.em, request.params.sid)
    // Another customer's session answers like a missing one (docs/api.md, "Customer scope").
    if (!actorMaySee(request.actor!, view.customer.id)) throw new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${request.params.sid}.`)
    return view
  })

  api.post('/punchout/sessions/:sid/cart', {
    onRequest: [
      // Link even refused returns (bad token, bad cart) to their session in the journal.
      async (request) => {
        const { sid } = request.params as { sid?: string }
        if (sid && UUID.test(sid)) request.journal!.sessionId = sid
      },
      ctx.auth('cart'),
    ],
    config: { journal: 'cart' },
    schema: {
      tags: ['storefront'],
      summary: 'Return the cart to the procurement system',
      description: 'Answers the auto-submitting HTML form for the buyer\'s browser, or with `Accept: application/json` the form as JSON.',
      params: sessionParamsSchema,
      body: cartReturnSchema,
      response: { 200: cartTransferSchema },
    },
  }, async (request, reply) => {
    let answer: TransferReply | undefined
    await returnCart(ctx.deps, request.params.sid, request.body.items, (returned) => {
      answer = transferReply(request, returned.transfer)
      return commitAnswer(ctx.deps.store, request, reply, answer, returned.plan, { sessionId: returned.session.id, customerId: returned.session.customerId })
    }, request.actor!, request.body.currency)
    return sendTransferReply(reply, answer!)
  })
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
