import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import {
  BuyerUser, Customer, CustomerRole, PunchoutSession, SessionEvent, type SessionGrant,
} from '../../persistence/entities/index.ts'
import { roleMay } from '../accounts/capabilities.ts'
import { actorMaySee, audit, type Actor } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'
import { parsePolicy } from '../provisioning/policy.ts'
import { resolveRoles } from '../provisioning/provision.ts'
import { newToken, sha256 } from '../security/secrets.ts'
import { nextStatus } from '../sessions/states.ts'
import { Timeline } from '../sessions/timeline.ts'
import { DEFAULT_ON_BEHALF_MINUTES, onBehalfSettings } from './settings.ts'

export interface OnBehalfInput {
  userId: string
  reason: string
  minutes?: number
}

export interface OnBehalfStart {
  sessionId: string
  /** The one-time start link, as a punchout's StartPage: valid once, for START_TOKEN_TTL_SECONDS. */
  startUrl: string
  startUrlExpiresAt: string
  /** The end of the time box: the storefront refuses the session from then on. */
  expiresAt: string
}

/** The flag an on-behalf session carries from the start (session lists can filter on it). */
export const ON_BEHALF_FLAG = 'on-behalf'

/**
 * An agent starts a time-boxed session as a buyer user (docs/api.md, "Order on behalf"): support
 * or admin only, with a reason, within the agent's customer scope and the customer's rules. The
 * session gets the buyer's own grant — their roles resolved as a setup would today — so the agent
 * can do no more than the buyer; its start link is the same one-time link a punchout gets.
 */
export async function startOnBehalf(em: SqlEntityManager, deps: Deps, actor: Actor, input: OnBehalfInput): Promise<OnBehalfStart> {
  if (!roleMay(actor.role, 'operate')) throw new PunchgateError('PG_ERR_API_FORBIDDEN', `The role ${actor.role} may not act on behalf of buyers; support and admin may.`)
  const reason = input.reason.trim()
  if (!reason) throw new PunchgateError('PG_ERR_API_VALIDATION', 'A reason is required to act on behalf of a buyer.')
  return em.transactional(async (tem) => {
    const user = await tem.findOne(BuyerUser, { id: input.userId })
    // Another scope's user answers like a missing one: its existence is not confirmed.
    if (!user || !actorMaySee(actor, user.customerId)) throw new PunchgateError('PG_ERR_NOT_FOUND', `No buyer user ${input.userId}.`)
    const customer = await tem.findOneOrFail(Customer, { id: user.customerId })
    const minutes = allowedMinutes(customer, user, input.minutes)
    const now = deps.now()
    const token = newToken()
    const session = await onBehalfSession(tem, customer, user, { actor, reason, minutes, token, now, startTtlSeconds: deps.config.startTokenTtlSeconds })
    tem.persist(tem.create(SessionEvent, {
      sessionId: session.id, at: now, type: 'on_behalf.started',
      data: { agent: actor.name, reason, minutes, expiresAt: session.onBehalfExpiresAt!.toISOString(), permissions: session.grant.permissions, spendLimit: session.grant.spendLimit },
    }))
    const started = { sessionId: session.id, minutes, expiresAt: session.onBehalfExpiresAt!.toISOString() }
    audit(tem, actor, { action: 'on_behalf.start', targetType: 'user', targetId: user.id, customerId: customer.id, after: started, reason }, now)
    return {
      sessionId: session.id,
      startUrl: `${deps.config.publicUrl}/punchout/start/${token}`,
      startUrlExpiresAt: session.startExpiresAt!.toISOString(),
      expiresAt: started.expiresAt,
    }
  })
}

/** The time box asked for, within what the customer allows; a refusal names the rule. */
function allowedMinutes(customer: Customer, user: BuyerUser, asked: number | undefined): number {
  const settings = onBehalfSettings(customer)
  if (!settings.allowed) throw new PunchgateError('PG_ERR_ON_BEHALF_OFF', `${customer.name} does not allow agents to act on behalf of its buyers.`)
  if (user.unidentified) throw new PunchgateError('PG_ERR_CONFLICT', `The unidentified-buyer stand-in of ${customer.name} is nobody in particular: act for a named buyer user.`)
  if (user.status === 'disabled') throw new PunchgateError('PG_ERR_USER_DISABLED', `The user ${user.uniqueName} of ${customer.name} is disabled; re-enable them before acting on their behalf.`)
  const minutes = asked ?? Math.min(DEFAULT_ON_BEHALF_MINUTES, settings.maxMinutes)
  if (minutes > settings.maxMinutes) throw new PunchgateError('PG_ERR_API_VALIDATION', `${customer.name} allows a time box of at most ${settings.maxMinutes} minutes; ${minutes} were asked for.`)
  return minutes
}

interface SessionOptions {
  actor: Actor
  reason: string
  minutes: number
  token: string
  now: Date
  startTtlSeconds: number
}

async function onBehalfSession(em: SqlEntityManager, customer: Customer, user: BuyerUser, o: SessionOptions): Promise<PunchoutSession> {
  const [grant, last] = await Promise.all([
    buyerGrant(em, customer, user, o.now),
    em.findOne(PunchoutSession, { userId: user.id, onBehalfAgent: null }, { orderBy: { createdAt: 'desc' }, fields: ['protocol'] }),
  ])
  const session = em.create(PunchoutSession, {
    id: randomUUID(),
    customerId: customer.id,
    userId: user.id,
    // The protocol the buyer punches out with: what the storefront would see from them.
    protocol: last?.protocol ?? 'cxml',
    operation: 'create',
    status: nextStatus('new', 'provision'),
    returnUrl: null,
    deploymentMode: 'production',
    startTokenHash: sha256(o.token),
    startExpiresAt: new Date(o.now.getTime() + o.startTtlSeconds * 1000),
    restoredItems: [],
    protocolContext: {},
    grant,
    flags: [ON_BEHALF_FLAG],
    onBehalfAgent: o.actor.name,
    onBehalfReason: o.reason,
    onBehalfExpiresAt: new Date(o.now.getTime() + o.minutes * 60_000),
    createdAt: o.now,
    updatedAt: o.now,
  })
  em.persist(session)
  return session
}

/**
 * The buyer's grant as a setup would resolve it now, from the roles their last setup named: the
 * same decision code (resolveRoles), so role mappings and spend limits apply exactly as for them.
 */
async function buyerGrant(em: SqlEntityManager, customer: Customer, user: BuyerUser, now: Date): Promise<SessionGrant> {
  const policy = parsePolicy(customer.provisioning)
  const requested = user.roles.length > 0 ? user.roles : [policy.defaultRole]
  const keys = [...new Set([...requested, policy.defaultRole].map((r) => r.toLowerCase()))]
  const roles = await em.find(CustomerRole, { customerId: customer.id, nameKey: { $in: keys } })
  const found = { roles }
  const resolved = resolveRoles({ customer, policy, identity: 'unidentified', found, now, secondLook: false }, requested, new Timeline(() => now))
  return { roles: resolved.roles, permissions: resolved.permissions, spendLimit: resolved.spendLimit }
}
