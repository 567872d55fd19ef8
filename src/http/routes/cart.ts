import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { cartReturnSchema, cartTransferSchema, sessionParamsSchema } from '../../../schemas/api/cart.ts'
import { sessionViewSchema } from '../../../schemas/api/sessions.ts'
import { returnCart } from '../../domain/carts/return-cart.ts'
import type { CartTransfer } from '../../domain/carts/transfer.ts'
import { viewSession } from '../../domain/sessions/view.ts'
import { renderAutoPostForm } from '../../protocols/forms.ts'
import { contentSecurityPolicy, newNonce } from '../html.ts'
import type { RouteContext } from './index.ts'

/**
 * The storefront side of a punchout session: read the session (restored cart, operation) and
 * return the cart. Authorized by a storefront token.
 */
export async function cartRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get('/punchout/sessions/:sid', {
    onRequest: ctx.auth('cart'),
    schema: { tags: ['storefront'], summary: 'A punchout session as the storefront needs it', params: sessionParamsSchema, response: { 200: sessionViewSchema } },
  }, async (request) => viewSession(request.em, request.params.sid))

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
    const { session, transfer } = await returnCart(ctx.deps, request.em, request.params.sid, request.body.items)
    request.journal!.customerId = session.customerId
    return sendTransfer(request, reply, transfer)
  })
}

/** Per Accept: JSON for a storefront that renders the form itself, else the auto-post page. */
export function sendTransfer(request: FastifyRequest, reply: FastifyReply, transfer: CartTransfer) {
  if (wantsJson(request.headers.accept)) {
    return reply.send({
      action: transfer.action,
      method: 'post' as const,
      ...(transfer.target ? { target: transfer.target } : {}),
      acceptCharset: transfer.charset,
      fields: Object.fromEntries(transfer.fields),
    })
  }
  const nonce = newNonce()
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', contentSecurityPolicy(nonce, new URL(transfer.action).origin))
    .serializer((payload: unknown) => payload as string)
    .send(renderAutoPostForm({ ...transfer, title: 'Returning your cart to procurement', nonce }))
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false
  const json = accept.indexOf('application/json')
  const htmlAt = accept.indexOf('text/html')
  return json !== -1 && (htmlAt === -1 || json < htmlAt)
}
