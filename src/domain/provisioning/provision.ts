import { randomUUID } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import {
  BuyerUserSchema, CustomerRoleSchema, type BuyerUser, type Customer, type CustomerRole,
} from '../../persistence/entities/index.ts'
import type { BuyerContext } from '../../persistence/punchout-store.ts'
import { FIELD_LABELS } from './identity-profiles.ts'
import type { BuyerIdentity } from './identity-source.ts'
import { DEFAULT_PERMISSIONS, type Permission } from './permissions.ts'
import type { ProvisioningPolicy } from './policy.ts'
import type { Timeline } from '../sessions/timeline.ts'

export interface ProvisionedBuyer {
  user: BuyerUser
  /** The user to create (the write's gate: a concurrent first setup may create them first). */
  newUser?: BuyerUser
  /** What changes on a known user; absent when nothing does. */
  userChanges?: Partial<BuyerUser>
  /** Roles first seen now, created pending review. */
  pendingRoles: CustomerRole[]
  roles: Array<{ name: string; status: 'mapped' | 'pending' | 'default' }>
  permissions: Permission[]
  spendLimit: string | null
}

/**
 * "Last seen" is kept to this granularity: a returning buyer's setup writes nothing to their user
 * row unless something else changed or the last note is older than this.
 */
export const LAST_SEEN_GRANULARITY_MS = 15 * 60 * 1000

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

/** What provisioning needs to decide: read beforehand, in one query (PunchoutStore.buyer). */
export interface ProvisioningInput {
  customer: Customer
  policy: ProvisioningPolicy
  identity: BuyerIdentity | 'unidentified'
  found: BuyerContext
  now: Date
  /** A concurrent first setup created the user between our read and our write: this is the second look. */
  secondLook: boolean
}

/**
 * Finds or creates the buyer user and resolves their roles per the customer's policy — in plain
 * code, without I/O: the caller has read the user and roles and writes the outcome once.
 * Every decision goes on the timeline; a refusal throws.
 */
export function decideProvisioning(input: ProvisioningInput, timeline: Timeline): ProvisionedBuyer {
  const { customer, policy, identity } = input
  const person: BuyerIdentity =
    identity === 'unidentified'
      ? { uniqueName: UNIDENTIFIED_UNIQUE_NAME, displayName: `Unidentified buyer of ${customer.name}`, roles: [] }
      : identity
  const { user: found, newUser, changes } = findOrCreateUser(input, person, timeline)
  // As the request leaves it: a renamed user is refused, and named, under the new name.
  const user = { ...found, ...changes }
  if (user.status === 'disabled') {
    timeline.record('user.refused_disabled', { userId: user.id })
    throw new PunchgateError(
      'PG_ERR_USER_DISABLED',
      `The user ${user.uniqueName} of ${customer.name} is disabled on the supplier side. Ask the supplier to re-enable them.`,
    )
  }
  const requested = person.roles.length > 0 ? person.roles : [policy.defaultRole]
  const resolved = resolveRoles(input, requested, timeline)
  if (!sameList(found.roles, requested)) {
    timeline.record('user.roles_changed', { before: found.roles, after: requested })
    changes.roles = requested
  }
  if (!newUser && (Object.keys(changes).length > 0 || !found.lastSeenAt || input.now.getTime() - found.lastSeenAt.getTime() >= LAST_SEEN_GRANULARITY_MS)) {
    changes.lastSeenAt = input.now
  }
  timeline.record('permissions.granted', { permissions: resolved.permissions, spendLimit: resolved.spendLimit })
  const decided = { ...found, ...changes }
  if (newUser) return { user: decided, newUser: decided, ...resolved }
  return { user: decided, ...(Object.keys(changes).length > 0 ? { userChanges: changes } : {}), ...resolved }
}

function findOrCreateUser(
  input: ProvisioningInput,
  person: BuyerIdentity,
  timeline: Timeline,
): { user: BuyerUser; newUser: boolean; changes: Partial<BuyerUser> } {
  const { customer, policy, found, now } = input
  const unidentified = input.identity === 'unidentified'
  const uniqueName = person.uniqueName ?? person.email!
  let user = found.user
  if (!user && found.userByEmail) {
    user = found.userByEmail
    timeline.record('user.matched_by_email', { userId: user.id, email: person.email, previousUniqueName: user.uniqueName })
  }
  if (user) {
    const changes = unidentified ? {} : profileChanges(user, person, uniqueName, policy, timeline, now)
    timeline.record('user.matched', { userId: user.id, uniqueName: changes.uniqueName ?? user.uniqueName, ...(input.secondLook ? { concurrentFirstSetup: true } : {}) })
    return { user, newUser: false, changes }
  }
  if (!policy.autoCreateUsers && !unidentified) {
    timeline.record('user.refused_unknown', { uniqueName })
    throw new PunchgateError(
      'PG_ERR_USER_UNKNOWN',
      `The buyer ${uniqueName} is not known to the supplier and ${customer.name} does not create users automatically.`,
    )
  }
  const created: BuyerUser = {
    id: randomUUID(), customerId: customer.id, uniqueName,
    email: person.email ?? null, displayName: person.displayName ?? null, firstName: person.firstName ?? null,
    lastName: person.lastName ?? null, phone: person.phone ?? null, costCenter: person.costCenter ?? null,
    department: person.department ?? null, businessUnit: person.businessUnit ?? null, shipToId: person.shipToId ?? null,
    locale: person.locale ?? null, roles: [], status: 'active', unidentified, createdAt: now, updatedAt: now, lastSeenAt: now,
  }
  timeline.record('user.created', { userId: created.id, uniqueName, email: person.email ?? null, unidentified })
  return { user: created, newUser: true, changes: {} }
}

function profileChanges(
  user: BuyerUser,
  person: BuyerIdentity,
  uniqueName: string,
  policy: ProvisioningPolicy,
  timeline: Timeline,
  now: Date,
): Partial<BuyerUser> {
  if (!policy.updateProfiles) return {}
  const changes: Record<string, { before: unknown; after: unknown }> = {}
  if (user.uniqueName !== uniqueName) changes.uniqueName = { before: user.uniqueName, after: uniqueName }
  for (const field of PROFILE_FIELDS) {
    const value = person[field]
    if (value !== undefined && value !== user[field]) changes[field] = { before: user[field] ?? null, after: value }
  }
  if (Object.keys(changes).length === 0) return {}
  timeline.record('user.updated', { userId: user.id, changes })
  return { ...Object.fromEntries(Object.entries(changes).map(([field, c]) => [field, c.after])), updatedAt: now }
}

export function resolveRoles(input: ProvisioningInput, requested: string[], timeline: Timeline): Omit<ProvisionedBuyer, 'user'> {
  const { customer, policy, now } = input
  const known = new Map(input.found.roles.map((r) => [r.nameKey, r]))
  const defaultRole = known.get(policy.defaultRole.toLowerCase())
  const defaultPermissions = (defaultRole?.permissions as Permission[] | undefined) ?? DEFAULT_PERMISSIONS
  const roles: ProvisionedBuyer['roles'] = []
  const pendingRoles: CustomerRole[] = []
  const permissions = new Set<Permission>()
  let spendLimit: string | null = null
  const grant = (perms: readonly string[], limit?: string | null) => {
    perms.forEach((p) => permissions.add(p as Permission))
    if (limit != null && (spendLimit === null || Number(limit) > Number(spendLimit))) spendLimit = limit
  }
  for (const name of requested) {
    const key = name.toLowerCase()
    const role = known.get(key)
    if (role?.status === 'mapped' || (!role && key === policy.defaultRole.toLowerCase())) {
      timeline.record('role.matched', { role: name, permissions: role?.permissions ?? defaultPermissions })
      roles.push({ name, status: 'mapped' })
      grant(role?.permissions ?? defaultPermissions, role?.spendLimit)
    } else if (role?.status === 'pending' || (policy.unknownRoles === 'pending' && pendingRoles.some((r) => r.nameKey === key))) {
      timeline.record('role.pending', { role: name, permissions: defaultPermissions })
      roles.push({ name, status: 'pending' })
      grant(defaultPermissions)
    } else if (policy.unknownRoles === 'pending') {
      pendingRoles.push({
        id: randomUUID(), customerId: customer.id, name, nameKey: key, status: 'pending',
        permissions: [...defaultPermissions], spendLimit: null, createdAt: now, updatedAt: now,
      })
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
  return { pendingRoles, roles, permissions: [...permissions], spendLimit }
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i])
