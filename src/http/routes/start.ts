import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { startSession } from '../../domain/sessions/start.ts'
import { commitAnswer } from '../journal.ts'
import { bindLogContext } from '../logging.ts'
import type { RouteContext } from './index.ts'

/** The one-time StartPage link the buyer's browser opens. */
export async function startRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get(
    '/punchout/start/:token',
    {
      // A HEAD (link checkers, previews) must not spend the one-time link.
      exposeHeadRoute: false,
      config: { surface: 'html', journal: 'start' },
      schema: { hide: true, params: z.object({ token: z.string().max(200) }) },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string }
      const { session, redirectUrl } = await startSession(ctx.deps, token, (outcome) =>
        // The redirect carries the assertion in its Location only; the journal keeps status and session.
        commitAnswer(ctx.deps.store, request, reply, { status: 302, body: null }, outcome.plan, { sessionId: outcome.session.id, customerId: outcome.session.customerId }),
      )
      bindLogContext(request, reply, { sessionId: session.id })
      // The assertion is a bearer credential for a few seconds: keep it out of caches and referrers.
      return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(redirectUrl, 302)
    },
  )
}
