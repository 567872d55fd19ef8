import { randomUUID } from 'node:crypto'
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { RoleInput, RoleView } from './role-shapes.ts'
import { PunchgateError } from '../../errors/index.ts'
import { Customer, CustomerRole } from '../../persistence/entities/index.ts'
import { audit, type Actor } from '../audit/audit.ts'
import { getCustomer } from '../customers/manage.ts'
import { PERMISSION_NAMES } from './permissions.ts'
import { parsePolicy } from './policy.ts'

/**
 * Role mapping: a customer's own role names → storefront permissions (issue 4, "Role mapping").
 * Provisioning reads a role's status and permissions at every setup request, so a change here
 * applies to each user who has the role at their next session; live sessions keep their grant.
 */

export const roleView = (r: CustomerRole, userCount?: number): RoleView => ({
  name: r.name,
  status: r.status,
  permissions: r.permissions,
  spendLimit: r.spendLimit == null ? null : Number(r.spendLimit),
  ...(userCount === undefined ? {} : { userCount }),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
})

export async function listRoles(em: SqlEntityManager, actor: Actor, customerId: string): Promise<RoleView[]> {
  await getCustomer(em, actor, customerId)
  const roles = await em.find(CustomerRole, { customerId }, { orderBy: { nameKey: 'asc' } })
  const counts = await userCounts(em, [customerId])
  return roles.map((r) => roleView(r, counts.get(`${customerId}:${r.nameKey}`) ?? 0))
}

/** Roles across the actor's customers, oldest first: the review queue (`status=pending`). */
export async function listRolesAcrossCustomers(
  em: SqlEntityManager,
  actor: Actor,
  query: { status?: 'mapped' | 'pending'; limit: number },
) {
  const roles = await em.find(
    CustomerRole,
    {
      ...(query.status ? { status: query.status } : {}),
      ...(actor.customerIds === null ? {} : { customerId: { $in: [...actor.customerIds] } }),
    },
    { orderBy: { createdAt: 'asc', id: 'asc' }, limit: query.limit },
  )
  const customerIds = [...new Set(roles.map((r) => r.customerId))]
  if (customerIds.length === 0) return []
  const customers = new Map((await em.find(Customer, { id: { $in: customerIds } })).map((c) => [c.id, c]))
  const counts = await userCounts(em, customerIds)
  return roles.map((r) => {
    const c = customers.get(r.customerId)!
    return { ...roleView(r, counts.get(`${r.customerId}:${r.nameKey}`) ?? 0), customer: { id: c.id, slug: c.slug, name: c.name } }
  })
}

/**
 * Maps (or remaps) a role; a pending role becomes mapped. The row is locked, so the audit's
 * "before" is what was actually replaced, even with a setup request creating it concurrently.
 */
export async function putRole(
  em: SqlEntityManager,
  actor: Actor,
  customerId: string,
  name: string,
  input: RoleInput,
  now: Date,
): Promise<RoleView> {
  return em.transactional(async (tem) => {
    await getCustomer(tem, actor, customerId)
    const nameKey = name.toLowerCase()
    // Catalog order, without duplicates: the same mapping always reads the same.
    const permissions = PERMISSION_NAMES.filter((p) => input.permissions.includes(p))
    const spendLimit = input.spendLimit === undefined ? undefined : input.spendLimit === null ? null : input.spendLimit.toFixed(2)
    let role = await tem.findOne(CustomerRole, { customerId, nameKey }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    const before = role ? roleView(role) : null
    if (role) {
      role.status = 'mapped'
      role.permissions = permissions
      if (spendLimit !== undefined) role.spendLimit = spendLimit
      role.updatedAt = now
    } else {
      role = tem.create(CustomerRole, {
        id: randomUUID(), customerId, name, nameKey, status: 'mapped', permissions,
        spendLimit: spendLimit ?? null, createdAt: now, updatedAt: now,
      })
    }
    await flushOrConflict(tem, name)
    const after = roleView(role)
    audit(tem, actor, { action: 'role.map', targetType: 'customer', targetId: customerId, customerId, before, after }, now)
    return after
  })
}

/** Deletes a mapping. Users with the role meet their customer's unknown-role policy next time. */
export async function deleteRole(em: SqlEntityManager, actor: Actor, customerId: string, name: string, now: Date): Promise<void> {
  await em.transactional(async (tem) => {
    const customer = await getCustomer(tem, actor, customerId)
    const role = await tem.findOne(CustomerRole, { customerId, nameKey: name.toLowerCase() }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    if (!role) throw new PunchgateError('PG_ERR_NOT_FOUND', `${customer.name} has no role "${name}".`)
    const { defaultRole } = parsePolicy(customer.provisioning)
    if (role.nameKey === defaultRole.toLowerCase()) {
      throw new PunchgateError(
        'PG_ERR_CONFLICT',
        `"${role.name}" is the default role of ${customer.name}: buyers who send no role get its permissions. ` +
          'Make another role the default first (PATCH /api/customers/:id with provisioning.defaultRole).',
      )
    }
    audit(tem, actor, { action: 'role.delete', targetType: 'customer', targetId: customerId, customerId, before: roleView(role), after: null }, now)
    tem.remove(role)
  })
}

async function flushOrConflict(em: SqlEntityManager, name: string): Promise<void> {
  try {
    await em.flush()
  } catch (err) {
    // A setup request or another admin created the same role a moment earlier.
    if (err instanceof UniqueConstraintViolationException) {
      throw new PunchgateError('PG_ERR_CONFLICT', `The role "${name}" was created at the same time by another request. Send the change again.`)
    }
    throw err
  }
}

/**
 * How many users carry each role, per customer: one grouped query over the users' role lists
 * (as last sent), matched case-insensitively like the roles themselves.
 */
async function userCounts(em: SqlEntityManager, customerIds: string[]): Promise<Map<string, number>> {
  const rows = await em.execute<Array<{ customer_id: string; name_key: string; users: string | number }>>(
    `select u.customer_id, lower(r.name) as name_key, count(distinct u.id) as users
       from buyer_users u cross join lateral jsonb_array_elements_text(u.roles) as r(name)
      where u.customer_id in (${customerIds.map(() => '?').join(', ')})
      group by u.customer_id, lower(r.name)`,
    customerIds,
  )
  return new Map(rows.map((r) => [`${r.customer_id}:${r.name_key}`, Number(r.users)]))
}
