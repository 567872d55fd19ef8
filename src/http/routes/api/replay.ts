import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  liveReplaySchema, orderDryRunSchema, requestReplayBodySchema, resendBodySchema, resendLinkSchema, sessionReplayBodySchema, setupDryRunSchema,
} from '../../../../schemas/api/replay.ts'
import { requestIdParamsSchema, sessionIdParamsSchema } from '../../../../schemas/api/sessions.ts'
import type { Actor } from '../../../domain/audit/audit.ts'
import { dryRunOrder } from '../../../domain/replay/order-replay.ts'
import { issueResendLink } from '../../../domain/replay/resend.ts'
import { dryRunSetup, prepareLiveReplay, replayLive } from '../../../domain/replay/setup-replay.ts'
import { redactPath } from '../../journal.ts'
import type { RouteContext } from '../index.ts'

const withReason = (actor: Actor, reason: string | undefined): Actor => (reason ? { ...actor, reason } : actor)

/** Replay of recorded requests and the re-send of returned carts (docs/api.md, "Replay"). */
export async function replayRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { deps } = ctx
  const tags = ['sessions']

  api.post('/sessions/:id/replay', {
    onRequest: ctx.auth('operate'),
    schema: {
      tags, summary: "Run a session's recorded setup request again: as a dry run (then versus now, nothing written) or live (a new linked session)",
      params: sessionIdParamsSchema, body: sessionReplayBodySchema, response: { 200: setupDryRunSchema, 201: liveReplaySchema },
    },
  }, async (request, reply) => {
    const actor = withReason(request.actor!, request.body.reason)
    if (request.body.mode === 'dry-run') return dryRunSetup(deps, request.em, actor, request.params.id)
    const prepared = await prepareLiveReplay(deps, request.em, actor, request.params.id)
    const answer = await replayLive(deps, request.em, prepared, actor, { requestId: request.id, path: redactPath(request.url), remoteIp: request.ip })
    return reply.code(201).header('cache-control', 'no-store').send(answer)
  })

  api.post('/sessions/:id/resend', {
    onRequest: ctx.auth('operate'),
    schema: {
      tags, summary: 'A one-time link that re-posts the returned cart (the same document) to the return URL from the buyer\'s browser',
      params: sessionIdParamsSchema, body: resendBodySchema, response: { 201: resendLinkSchema },
    },
  }, async (request, reply) => {
    const link = await issueResendLink(deps, request.em, withReason(request.actor!, request.body?.reason ?? undefined), request.params.id)
    return reply.code(201).header('cache-control', 'no-store').send(link)
  })

  api.post('/requests/:id/replay', {
    onRequest: ctx.auth('operate'),
    schema: {
      tags, summary: "A journaled OrderRequest judged by today's price and link checks (dry run: nothing written)",
      params: requestIdParamsSchema, body: requestReplayBodySchema, response: { 200: orderDryRunSchema },
    },
  }, async (request) => dryRunOrder(deps, request.em, request.actor!, request.params.id))
}
