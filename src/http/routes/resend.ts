import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { openResendLink } from '../../domain/replay/resend.ts'
import { sendTransferReply, transferReply } from '../../web/transfer.ts'
import { commitAnswer } from '../journal.ts'
import { bindLogContext } from '../logging.ts'
import type { RouteContext } from './index.ts'

/** The one-time link that re-posts a returned cart from the buyer's browser (docs/api.md, "Re-send a returned cart"). */
export async function resendRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get(
    '/punchout/resend/:token',
    {
      // A HEAD (link checkers, previews) must not spend the one-time link.
      exposeHeadRoute: false,
      config: { surface: 'html', journal: 'cart' },
      schema: { hide: true, params: z.object({ token: z.string().max(1000) }) },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string }
      const resend = await openResendLink(ctx.deps, request.em, token)
      const answer = transferReply(request, resend.transfer)
      await commitAnswer(ctx.deps.store, request, reply, answer, resend.plan, { sessionId: resend.sessionId, customerId: resend.customerId })
      bindLogContext(request, reply, { sessionId: resend.sessionId })
      return sendTransferReply(reply, answer)
    },
  )
}
