import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import {
  BuyerUser, BuyerUserSchema, CustomerRole, CustomerRoleSchema, type Customer,
} from '../../persistence/entities/index.ts'
import { FIELD_LABELS } from './identity-profiles.ts'
import type { BuyerIdentity } from './identity-source.ts'
import { DEFAULT_PERMISSIONS, type Permission } from './permissions.ts'
import type { ProvisioningPolicy } from './policy.ts'
import type { Timeline } from '../sessions/timeline.ts'

export interface ProvisionedBuyer {
  user: BuyerUser
  roles: Array<{ name: string; status: 'mapped' | 'pending' | 'default' }>
  permissions: Permission[]
  spendLimit: string | null
}

/** The profile fields a setup request may update on a known user. */
const PROFILE_FIELDS = [
  'email', 'displayName', 'firstName', 'lastName', 'phone', 'costCenter',
  'department', 'businessUnit', 'shipToId', 'locale',
] as const

export const UNIDENTIFIED_UNIQUE_NAME = '~unidentified-buyer'

/**
 * A value longer than its column would fail the insert as an internal error (500) with nothing
 * journaled on the session: find it first, so the buyer system gets a 400 naming the field.
 * The limits are read from the entity schemas, so they follow the columns.
 */
export function overlongIdentityField(person: BuyerIdentity): string | undefined {
  const limit = (schema: { meta: { properties: object } }, prop: string) =>
    (schema.meta.properties as Record<string, { length?: number }>)[prop]?.length ?? Infinity
  for (const field of ['uniqueName', ...PROFILE_FIELDS] as const) {
    // PostgreSQL counts characters, not UTF-16 units.
    const length = person[field] === undefined ? 0 : [...person[field]].length
    const max = limit(BuyerUserSchema, field)
    if (length > max) {
      return `The buyer's ${FIELD_LABELS[field]} is ${length} characters long, more than the ${max} the supplier's gateway stores. Shorten it in the procurement system.`
    }
  }
  const maxRole = limit(CustomerRoleSchema, 'name')
  const role = person.roles.find((r) => [...r].length > maxRole)
  if (role) return `The role "${[...role].slice(0, 40).join('')}…" is ${[...role].length} characters long, more than the ${maxRole} the supplier's gateway stores.`
  return undefined
}

/**
 * Finds or creates the buyer user and resolves their roles per the customer's policy.
 * Every decision goes on the timeline. Runs inside the caller's transaction.
 */
export async function provisionBuyer(
  em: SqlEntityManager,
  customer: Customer,
  policy: ProvisioningPolicy,
  identity: BuyerIdentity | 'unidentified',
  timeline: Timeline,
  now: Date,
): Promise<ProvisionedBuyer> {
  const person: BuyerIdentity =
    identity === 'unidentified'
      ? { uniqueName: UNIDENTIFIED_UNIQUE_NAME, displayName: `Unidentified buyer of ${customer.name}`, roles: [] }
      : identity
  const user = await findOrCreateUser(em, customer, policy, person, identity === 'unidentified', timeline, now)
  if (user.status === 'disabled') {
    timeline.record('user.refused_disabled', { userId: user.id })
    throw new PunchgateError(
      'PG_ERR_USER_DISABLED',
      `The user ${user.uniqueName} of ${customer.name} is disabled on the supplier side. Ask the supplier to re-enable them.`,
    )
  }
  const requested = person.roles.length > 0 ? person.roles : [policy.defaultRole]
  const resolved = await resolveRoles(em, customer, policy, requested, timeline, now)
  if (!sameList(user.roles, requested)) {
    timeline.record('user.roles_changed', { before: user.roles, after: requested })
    user.roles = requested
  }
  user.lastSeenAt = now
  await em.flush()
  timeline.record('permissions.granted', { permissions: resolved.permissions, spendLimit: resolved.spendLimit })
  return { user, ...resolved }
}

async function findOrCreateUser(
  em: SqlEntityManager,
  customer: Customer,
  policy: ProvisioningPolicy,
  person: BuyerIdentity,
  unidentified: boolean,
  timeline: Timeline,
  now: Date,
): Promise<BuyerUser> {
  const uniqueName = person.uniqueName ?? person.email!
  if (policy.matchByEmail && person.email && !unidentified) {
    // Two first setups under different unique names but one email must also end as one user;
    // the unique constraint covers names only, so they take turns on the email (transaction lock).
    await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`buyer-email:${customer.id}:${person.email}`])
  }
  // The stand-in is found by its flag, never by a name a buyer could send (and take it over).
  let user = await em.findOne(BuyerUser, unidentified ? { customerId: customer.id, unidentified: true } : { customerId: customer.id, uniqueName, unidentified: false })
  if (!user && policy.matchByEmail && person.email && !unidentified) {
    user = await em.findOne(BuyerUser, { customerId: customer.id, email: person.email, unidentified: false }, { orderBy: { createdAt: 'asc' } })
    if (user) timeline.record('user.matched_by_email', { userId: user.id, email: person.email, previousUniqueName: user.uniqueName })
  }
  if (user) {
    if (!unidentified) updateProfile(user, person, uniqueName, policy, timeline, now)
    timeline.record('user.matched', { userId: user.id, uniqueName: user.uniqueName })
    return user
  }
  if (!policy.autoCreateUsers && !unidentified) {
    timeline.record('user.refused_unknown', { uniqueName })
    throw new PunchgateError(
      'PG_ERR_USER_UNKNOWN',
      `The buyer ${uniqueName} is not known to the supplier and ${customer.name} does not create users automatically.`,
    )
  }
  return insertUser(em, customer, person, uniqueName, unidentified, timeline, now)
}

/**
 * Two first setups of one new user may race: the unique (customer, unique name) constraint
 * decides, and the loser reads the winner's row (ON CONFLICT DO NOTHING keeps the transaction usable).
 */
async function insertUser(
  em: SqlEntityManager,
  customer: Customer,
  person: BuyerIdentity,
  uniqueName: string,
  unidentified: boolean,
  timeline: Timeline,
  now: Date,
): Promise<BuyerUser> {
  const id = randomUUID()
  const inserted = await em.execute<Array<{ id: string }>>(
    `insert into buyer_users (id, customer_id, unique_name, email, display_name, first_name, last_name, phone,
       cost_center, department, business_unit, ship_to_id, locale, roles, status, unidentified, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'active', ?, ?, ?)
     on conflict (customer_id, unique_name) do nothing returning id`,
    [
      id, customer.id, uniqueName, person.email ?? null, person.displayName ?? null, person.firstName ?? null,
      person.lastName ?? null, person.phone ?? null, person.costCenter ?? null, person.department ?? null,
      person.businessUnit ?? null, person.shipToId ?? null, person.locale ?? null, JSON.stringify([]), unidentified, now, now,
    ],
  )
  const user = await em.findOneOrFail(BuyerUser, { customerId: customer.id, uniqueName, unidentified })
  if (inserted.length === 1) {
    timeline.record('user.created', { userId: user.id, uniqueName, email: person.email ?? null, unidentified })
  } else {
    timeline.record('user.matched', { userId: user.id, uniqueName, concurrentFirstSetup: true })
  }
  return user
}

function updateProfile(
  user: BuyerUser,
  person: BuyerIdentity,
  uniqueName: string,
  policy: ProvisioningPolicy,
  timeline: Timeline,
  now: Date,
): void {
  if (!policy.updateProfiles) return
  const changes: Record<string, { before: unknown; after: unknown }> = {}
  if (user.uniqueName !== uniqueName) changes.uniqueName = { before: user.uniqueName, after: uniqueName }
  for (const field of PROFILE_FIELDS) {
    const value = person[field]
    if (value !== undefined && value !== user[field]) changes[field] = { before: user[field] ?? null, after: value }
  }
  if (Object.keys(changes).length === 0) return
  for (const [field, change] of Object.entries(changes)) (user as unknown as Record<string, unknown>)[field] = change.after
  user.updatedAt = now
  timeline.record('user.updated', { userId: user.id, changes })
}

async function resolveRoles(
  em: SqlEntityManager,
  customer: Customer,
  policy: ProvisioningPolicy,
  requested: string[],
  timeline: Timeline,
  now: Date,
): Promise<Omit<ProvisionedBuyer, 'user'>> {
  const keys = [...new Set([...requested, policy.defaultRole].map((r) => r.toLowerCase()))]
  const known = new Map(
    (await em.find(CustomerRole, { customerId: customer.id, nameKey: { $in: keys } })).map((r) => [r.nameKey, r]),
  )
  const defaultRole = known.get(policy.defaultRole.toLowerCase())
  const defaultPermissions = (defaultRole?.permissions as Permission[] | undefined) ?? DEFAULT_PERMISSIONS
  const roles: ProvisionedBuyer['roles'] = []
  const permissions = new Set<Permission>()
  let spendLimit: string | null = null
  const grant = (perms: readonly string[], limit?: string | null) => {
    perms.forEach((p) => permissions.add(p as Permission))
    if (limit != null && (spendLimit === null || Number(limit) > Number(spendLimit))) spendLimit = limit
  }
  for (const name of requested) {
    const role = known.get(name.toLowerCase())
    if (role?.status === 'mapped' || (!role && name.toLowerCase() === policy.defaultRole.toLowerCase())) {
      timeline.record('role.matched', { role: name, permissions: role?.permissions ?? defaultPermissions })
      roles.push({ name, status: 'mapped' })
      grant(role?.permissions ?? defaultPermissions, role?.spendLimit)
    } else if (role?.status === 'pending') {
      timeline.record('role.pending', { role: name, permissions: defaultPermissions })
      roles.push({ name, status: 'pending' })
      grant(defaultPermissions)
    } else if (policy.unknownRoles === 'pending') {
      await createPendingRole(em, customer, name, defaultPermissions, now)
      timeline.record('role.created_pending', { role: name, permissions: defaultPermissions })
      roles.push({ name, status: 'pending' })
      grant(defaultPermissions)
    } else if (policy.unknownRoles === 'default') {
      timeline.record('role.defaulted', { role: name, defaultRole: policy.defaultRole })
      if (!roles.some((r) => r.name === policy.defaultRole)) roles.push({ name: policy.defaultRole, status: 'default' })
      grant(defaultPermissions, defaultRole?.spendLimit)
    } else {
      timeline.record('role.rejected', { role: name })
      throw new PunchgateError(
        'PG_ERR_ROLE_REJECTED',
        `The role "${name}" is not known to the supplier and ${customer.name} refuses unknown roles. Ask the supplier to map it.`,
      )
    }
  }
  return { roles, permissions: [...permissions], spendLimit }
}

async function createPendingRole(
  em: SqlEntityManager,
  customer: Customer,
  name: string,
  permissions: readonly string[],
  now: Date,
): Promise<void> {
  await em.execute(
    `insert into customer_roles (id, customer_id, name, name_key, status, permissions, spend_limit, created_at, updated_at)
     values (?, ?, ?, ?, 'pending', ?::jsonb, null, ?, ?) on conflict (customer_id, name_key) do nothing`,
    [randomUUID(), customer.id, name, name.toLowerCase(), JSON.stringify(permissions), now, now],
  )
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i])
