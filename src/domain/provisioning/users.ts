import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { UserListQuery, UserView } from './user-view.ts'
import { PunchgateError } from '../../errors/index.ts'
import { BuyerUser } from '../../persistence/entities/index.ts'
import { actorMaySee, audit, type Actor } from '../audit/audit.ts'
import { getCustomer } from '../customers/manage.ts'

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

export const userView = (u: BuyerUser): UserView => ({
  id: u.id,
  customerId: u.customerId,
  uniqueName: u.uniqueName,
  email: u.email ?? null,
  displayName: u.displayName ?? null,
  firstName: u.firstName ?? null,
  lastName: u.lastName ?? null,
  phone: u.phone ?? null,
  costCenter: u.costCenter ?? null,
  department: u.department ?? null,
  businessUnit: u.businessUnit ?? null,
  shipToId: u.shipToId ?? null,
  locale: u.locale ?? null,
  roles: u.roles,
  status: u.status,
  unidentified: u.unidentified,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
  lastSeenAt: iso(u.lastSeenAt),
})

/** `%` and `_` in a search term are literal characters, not wildcards. */
const likeTerm = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** A customer's users, oldest first. Filter values go in as query parameters, never spliced into SQL. */
export async function listUsers(em: SqlEntityManager, actor: Actor, customerId: string, query: UserListQuery): Promise<UserView[]> {
  await getCustomer(em, actor, customerId)
  const qb = em.createQueryBuilder(BuyerUser, 'u').where({ customerId })
  if (query.status) qb.andWhere({ status: query.status })
  if (query.role) {
    // Roles are stored as the buyer system sent them; they match case-insensitively.
    qb.andWhere('exists (select 1 from jsonb_array_elements_text(u.roles) as r(name) where lower(r.name) = lower(?))', [query.role])
  }
  if (query.q) {
    const like = likeTerm(query.q)
    qb.andWhere({ $or: [{ uniqueName: { $ilike: like } }, { email: { $ilike: like } }, { displayName: { $ilike: like } }] })
  }
  qb.orderBy({ createdAt: 'asc', id: 'asc' }).limit(query.limit).offset(query.offset)
  return (await qb.getResultList()).map(userView)
}

/**
 * Disables or re-enables a buyer user. A disabled user's next setup request is refused with
 * cXML 403 (and an already issued start link with 403); re-enabling restores them as they were.
 */
export async function setUserStatus(
  em: SqlEntityManager,
  actor: Actor,
  userId: string,
  status: 'active' | 'disabled',
  reason: string | undefined,
  now: Date,
): Promise<UserView> {
  return em.transactional(async (tem) => {
    const user = await tem.findOne(BuyerUser, { id: userId })
    // Another scope's user answers like a missing one: its existence is not confirmed.
    if (!user || !actorMaySee(actor, user.customerId)) throw new PunchgateError('PG_ERR_NOT_FOUND', `No buyer user ${userId}.`)
    const snapshot = () => ({ customerId: user.customerId, uniqueName: user.uniqueName, status: user.status })
    const before = snapshot()
    if (user.status !== status) {
      user.status = status
      user.updatedAt = now
    }
    audit(tem, actor, {
      action: status === 'disabled' ? 'user.disable' : 'user.enable',
      targetType: 'user', targetId: user.id, customerId: user.customerId, before, after: snapshot(), ...(reason ? { reason } : {}),
    }, now)
    return userView(user)
  })
}
