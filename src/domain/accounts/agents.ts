import { randomUUID } from 'node:crypto'
import { UniqueConstraintViolationException } from '@mikro-orm/core'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { AgentAccount } from '../../persistence/entities/index.ts'
import { audit, type Actor } from '../audit/audit.ts'
import type { AgentRole } from './capabilities.ts'
import { DUMMY_PASSWORD_HASH, hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.ts'
import { grantableScope, scopeWithin } from './scope.ts'

/**
 * Agent accounts: the people who use the console (support agents, admins, auditors). Each signs
 * in with an e-mail and a password; what they may do is their role's capabilities
 * (capabilities.ts), limited to their customers when they have a customer scope.
 */

/** Who is signed in: what the console keeps per request. `actor.name` is `agent:<email>`. */
export interface AgentPrincipal {
  agentId: string
  email: string
  name: string
  actor: Actor
}

export interface AgentView {
  id: string
  email: string
  name: string
  role: AgentRole
  customerIds: string[] | null
  disabled: boolean
  hasPassword: boolean
  createdAt: string
  updatedAt: string
  lastSignInAt: string | null
}

export interface AgentInput {
  email: string
  name: string
  role: AgentRole
  /** Omitted or null: every customer. */
  customerIds?: readonly string[] | null
  /** Optional: an account without a password cannot sign in until one is set. */
  password?: string
}

export interface AgentPatch {
  name?: string
  role?: AgentRole
  customerIds?: readonly string[] | null
  disabled?: boolean
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

/** E-mails compare case-insensitively: stored and looked up lower-cased. */
const emailKey = (email: string) => email.trim().toLowerCase()

export const agentView = (a: AgentAccount): AgentView => ({
  id: a.id,
  email: a.email,
  name: a.name,
  role: a.role,
  customerIds: a.customerIds ?? null,
  disabled: Boolean(a.disabledAt),
  hasPassword: Boolean(a.passwordHash),
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
  lastSignInAt: iso(a.lastSignInAt),
})

const principalOf = (a: AgentAccount): AgentPrincipal => ({
  agentId: a.id,
  email: a.email,
  name: a.name,
  actor: { name: `agent:${a.email}`, role: a.role, customerIds: a.customerIds ?? null },
})

/**
 * The agent behind an e-mail and password, or undefined: unknown e-mail, wrong password, no
 * password set, or a disabled account — indistinguishable to the caller, and equally slow (an
 * unknown e-mail is checked against a dummy hash). A successful sign-in is noted on the account.
 */
export async function authenticateAgent(em: SqlEntityManager, email: string, password: string, now: Date): Promise<AgentPrincipal | undefined> {
  const agent = await em.findOne(AgentAccount, { email: emailKey(email) })
  const matches = await verifyPassword(password, agent?.passwordHash ?? DUMMY_PASSWORD_HASH)
  if (!agent?.passwordHash || !matches || agent.disabledAt) return undefined
  agent.lastSignInAt = now
  await em.flush()
  return principalOf(agent)
}

/** The signed-in agent for each console request: undefined once the account is disabled or gone. */
export async function agentPrincipal(em: SqlEntityManager, agentId: string): Promise<AgentPrincipal | undefined> {
  const agent = await em.findOne(AgentAccount, { id: agentId, disabledAt: null })
  return agent ? principalOf(agent) : undefined
}

/** The agents the actor may manage (within its scope), by e-mail. */
export async function listAgents(em: SqlEntityManager, actor: Actor): Promise<AgentView[]> {
  const agents = await em.find(AgentAccount, {}, { orderBy: { email: 'asc' } })
  return agents.filter((a) => scopeWithin(actor, a.customerIds ?? null)).map(agentView)
}

export async function getAgent(em: SqlEntityManager, actor: Actor, id: string): Promise<AgentView> {
  return agentView(await findAgent(em, actor, id))
}

export async function createAgent(em: SqlEntityManager, actor: Actor, input: AgentInput, now: Date): Promise<AgentView> {
  const passwordHash = input.password === undefined ? null : await hashPassword(checkedPassword(input.password))
  return em.transactional(async (tem) => {
    const customerIds = await grantableScope(tem, actor, input.customerIds ?? null)
    const agent = tem.create(AgentAccount, {
      id: randomUUID(), email: emailKey(input.email), name: input.name, role: input.role, passwordHash, customerIds,
      disabledAt: null, createdAt: now, updatedAt: now, lastSignInAt: null,
    })
    await flushOrConflict(tem, agent.email)
    const after = auditedFields(agent)
    audit(tem, actor, { action: 'agent.create', targetType: 'agent', targetId: agent.id, customerId: null, after }, now)
    return agentView(agent)
  })
}

/** Changes name, role, scope or the disabled flag; a disabled agent's next console request is refused. */
export async function patchAgent(em: SqlEntityManager, actor: Actor, id: string, patch: AgentPatch, now: Date): Promise<AgentView> {
  return em.transactional(async (tem) => {
    const agent = await findAgent(tem, actor, id)
    const before = auditedFields(agent)
    if (patch.name !== undefined) agent.name = patch.name
    if (patch.role !== undefined) agent.role = patch.role
    if (patch.customerIds !== undefined) agent.customerIds = await grantableScope(tem, actor, patch.customerIds)
    if (patch.disabled !== undefined) agent.disabledAt = patch.disabled ? (agent.disabledAt ?? now) : null
    agent.updatedAt = now
    audit(tem, actor, { action: 'agent.update', targetType: 'agent', targetId: id, customerId: null, before, after: auditedFields(agent) }, now)
    return agentView(agent)
  })
}

/** Sets a new password; neither it nor its hash is ever returned or audited. */
export async function setAgentPassword(em: SqlEntityManager, actor: Actor, id: string, password: string, now: Date): Promise<void> {
  const passwordHash = await hashPassword(checkedPassword(password))
  await em.transactional(async (tem) => {
    const agent = await findAgent(tem, actor, id)
    agent.passwordHash = passwordHash
    agent.updatedAt = now
    audit(tem, actor, { action: 'agent.password', targetType: 'agent', targetId: id, customerId: null }, now)
  })
}

/** The same rule as the API schema, for callers that do not go through it (the CLI). */
function checkedPassword(password: string): string {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new PunchgateError('PG_ERR_API_VALIDATION', `A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`)
  }
  return password
}

/** Another scope's agent answers like a missing one: its existence is not confirmed. */
async function findAgent(em: SqlEntityManager, actor: Actor, id: string): Promise<AgentAccount> {
  const agent = await em.findOne(AgentAccount, { id })
  if (!agent || !scopeWithin(actor, agent.customerIds ?? null)) throw new PunchgateError('PG_ERR_NOT_FOUND', `No agent ${id}.`)
  return agent
}

const auditedFields = (a: AgentAccount) => ({
  email: a.email, name: a.name, role: a.role, customerIds: a.customerIds ?? null, disabled: Boolean(a.disabledAt),
})

async function flushOrConflict(em: SqlEntityManager, email: string): Promise<void> {
  try {
    await em.flush()
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw new PunchgateError('PG_ERR_CONFLICT', `An agent with e-mail ${email} already exists.`)
    throw err
  }
}
