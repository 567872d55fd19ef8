import type { FastifyInstance } from 'fastify'
import { REJECTED_ROLE_WINDOW_DAYS, rejectedRoles } from '../../domain/console/review.ts'
import { getCustomer } from '../../domain/customers/manage.ts'
import { parsePolicy } from '../../domain/provisioning/policy.ts'
import { roleInputSchema } from '../../domain/provisioning/role-shapes.ts'
import { deleteRole, listRoles, listRolesAcrossCustomers, putRole } from '../../domain/provisioning/roles.ts'
import { PunchgateError } from '../../errors/index.ts'
import { actorOf, agentOf, formOf, pageContext, parseWith, queryOf, requireCapability, sendPage, type ConsoleKit } from '../context.ts'
import { reviewBody, rolesBody, type ReviewItem } from '../pages/roles.ts'
import { checkedId } from './customers.ts'

type IdParams = { Params: { id: string } }

/** Role mapping per customer, and the review list across customers. Mapping takes `manage`. */
export async function roleRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { deps } = kit

  app.get('/roles', async (request, reply) => {
    const actor = agentOf(request).actor
    const [pending, rejected] = await Promise.all([
      listRolesAcrossCustomers(request.em, actor, { status: 'pending', limit: 500 }),
      rejectedRoles(request.em.fork(), actor, deps.now()),
    ])
    const items: ReviewItem[] = [
      ...pending.map((r) => ({ customer: r.customer, role: r.name, kind: 'pending' as const, count: r.userCount ?? 0, since: new Date(r.createdAt) })),
      ...rejected.map((r) => ({ customer: r.customer, role: r.role, kind: 'rejected' as const, count: r.sessions, since: r.firstAt })),
    ].sort((a, b) => a.since.getTime() - b.since.getTime())
    return sendPage(kit, request, reply, 'Roles to review', reviewBody(items, REJECTED_ROLE_WINDOW_DAYS), 'roles')
  })

  app.get<IdParams>('/customers/:id/roles', async (request, reply) => {
    const actor = agentOf(request).actor
    const customer = await getCustomer(request.em, actor, checkedId(request.params.id))
    const [roles, rejected] = await Promise.all([
      listRoles(request.em, actor, customer.id),
      rejectedRoles(request.em.fork(), { ...actor, customerIds: [customer.id] }, deps.now()),
    ])
    const body = rolesBody(pageContext(kit, request), customer, roles, rejected, queryOf(request).map?.slice(0, 200), parsePolicy(customer.provisioning).defaultRole)
    return sendPage(kit, request, reply, `Roles of ${customer.name}`, body, 'roles')
  })

  app.post<IdParams>('/customers/:id/roles', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const form = formOf(request)
    const spend = (form.get('spendLimit') ?? '').trim().replace(',', '.')
    const input = parseWith(roleInputSchema, { permissions: form.getAll('permissions'), spendLimit: spend === '' ? null : Number(spend) })
    await putRole(request.em, actorOf(request), id, roleName(form), input, deps.now())
    return reply.redirect(`/console/customers/${id}/roles`, 303)
  })

  app.post<IdParams>('/customers/:id/roles/delete', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    await deleteRole(request.em, actorOf(request), id, roleName(formOf(request)), deps.now())
    return reply.redirect(`/console/customers/${id}/roles`, 303)
  })
}

function roleName(form: URLSearchParams): string {
  const name = (form.get('role') ?? '').trim()
  if (!name || name.length > 200) throw new PunchgateError('PG_ERR_API_VALIDATION', 'Please correct: the role name must have 1 to 200 characters.')
  return name
}
