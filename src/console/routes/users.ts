import type { FastifyInstance } from 'fastify'
import { getCustomer, listCustomers } from '../../domain/customers/manage.ts'
import { startOnBehalf } from '../../domain/on-behalf/start.ts'
import { listUsers, setUserStatus } from '../../domain/provisioning/users.ts'
import { PunchgateError } from '../../errors/index.ts'
import { BuyerUser } from '../../persistence/entities/index.ts'
import { actorOf, agentOf, formOf, pageContext, reasonOf, queryOf, requireCapability, sendPage, type ConsoleKit } from '../context.ts'
import { onBehalfStartedBody } from '../pages/on-behalf.ts'
import { usersBody } from '../pages/users.ts'
import { checkedId } from './customers.ts'

const PAGE_SIZE = 50

/** Buyer users of a customer: search, disable and enable (`operate`, with a reason). */
export async function userRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { deps } = kit

  app.get('/users', async (request, reply) => {
    const actor = agentOf(request).actor
    const query = queryOf(request)
    const customers = await listCustomers(request.em, actor)
    // The first customer until another is chosen; another scope's customer is not found (404).
    const customer = query.customer ? await getCustomer(request.em, actor, checkedId(query.customer)) : customers[0]
    const status = query.status === 'active' || query.status === 'disabled' ? query.status : undefined
    const offset = Math.min(Math.max(0, Math.floor(Number(query.offset) || 0)), 1_000_000)
    const search = { customer, q: query.q?.slice(0, 200), status, offset, limit: PAGE_SIZE } as const
    const users = customer ? await listUsers(request.em, actor, customer.id, { q: search.q, status, limit: PAGE_SIZE, offset }) : []
    return sendPage(kit, request, reply, 'Users', usersBody(pageContext(kit, request), customers, search, users), 'users')
  })

  for (const action of ['disable', 'enable'] as const) {
    app.post<{ Params: { id: string } }>(`/users/:id/${action}`, async (request, reply) => {
      requireCapability(request, 'operate')
      const user = await setUserStatus(request.em, actorOf(request), checkedId(request.params.id), action === 'disable' ? 'disabled' : 'active', reasonOf(request), deps.now())
      return reply.redirect(`/console/users?customer=${user.customerId}`, 303)
    })
  }

  // Order on behalf: the same domain call as POST /api/on-behalf, with the signed-in agent as actor.
  app.post<{ Params: { id: string } }>('/users/:id/on-behalf', async (request, reply) => {
    requireCapability(request, 'operate')
    const minutesText = formOf(request).get('minutes')?.trim()
    const minutes = minutesText ? Number(minutesText) : undefined
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 5 || minutes > 480)) {
      throw new PunchgateError('PG_ERR_API_VALIDATION', 'Minutes must be a whole number from 5 to 480.')
    }
    const userId = checkedId(request.params.id)
    const started = await startOnBehalf(request.em, deps, actorOf(request), { userId, reason: reasonOf(request) ?? '', ...(minutes ? { minutes } : {}) })
    const user = await request.em.findOneOrFail(BuyerUser, { id: userId })
    const name = user.displayName ?? user.email ?? user.uniqueName
    return sendPage(kit, request, reply, 'Acting for a buyer', onBehalfStartedBody({ name, customerId: user.customerId }, started), 'users', 201)
  })
}
