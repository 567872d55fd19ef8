import type { FastifyInstance } from 'fastify'
import { getCustomer, listCustomers } from '../../domain/customers/manage.ts'
import { listUsers, setUserStatus } from '../../domain/provisioning/users.ts'
import { actorOf, agentOf, pageContext, reasonOf, queryOf, requireCapability, sendPage, type ConsoleKit } from '../context.ts'
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
}
