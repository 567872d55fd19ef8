import type { FastifyInstance } from 'fastify'
import { consoleOverview } from '../../domain/console/overview.ts'
import { agentOf, sendPage, type ConsoleKit } from '../context.ts'
import { homeBody } from '../pages/home.ts'

/** Home: the failures waiting for support, and the last day in two charts. */
export async function homeRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  app.get('/', async (request, reply) => {
    const now = kit.deps.now()
    const overview = await consoleOverview(request.em, agentOf(request).actor, now)
    return sendPage(kit, request, reply, 'Home', homeBody(overview, now), 'home')
  })
}
