import type { FastifyInstance } from 'fastify'
import { sessionDetail } from '../../domain/journal/sessions.ts'
import { issueResendLink } from '../../domain/replay/resend.ts'
import { dryRunSetup, prepareLiveReplay, replayLive } from '../../domain/replay/setup-replay.ts'
import { actorOf, formOf, requireCapability, sendPage, type ConsoleKit } from '../context.ts'
import { dryRunBody, liveBody, resendBody } from '../pages/replay.ts'
import { checkedId } from './customers.ts'

/**
 * Replay and re-send from the session page: the same domain calls as POST /api/sessions/:id/replay
 * and /resend, with the signed-in agent as actor (`operate`), so scope and audit apply alike.
 */
export async function replayRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { deps } = kit

  app.post<{ Params: { id: string } }>('/sessions/:id/replay', async (request, reply) => {
    requireCapability(request, 'operate')
    const actor = actorOf(request)
    const id = checkedId(request.params.id)
    if (formOf(request).get('mode') === 'live') {
      const prepared = await prepareLiveReplay(deps, request.em, actor, id)
      const live = await replayLive(deps, request.em, prepared, actor, { requestId: request.id, path: `/console/sessions/${id}/replay`, remoteIp: request.ip })
      return sendPage(kit, request, reply.header('cache-control', 'no-store'), 'Live replay', liveBody(live), 'sessions')
    }
    const [session, result] = await Promise.all([sessionDetail(request.em.fork(), actor, id), dryRunSetup(deps, request.em.fork(), actor, id)])
    return sendPage(kit, request, reply, `Dry run of session ${id}`, dryRunBody(session, result), 'sessions')
  })

  app.post<{ Params: { id: string } }>('/sessions/:id/resend', async (request, reply) => {
    requireCapability(request, 'operate')
    const id = checkedId(request.params.id)
    const link = await issueResendLink(deps, request.em, actorOf(request), id)
    return sendPage(kit, request, reply.header('cache-control', 'no-store'), 'Re-send the cart', resendBody(id, link), 'sessions')
  })
}
