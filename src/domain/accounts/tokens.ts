import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { ApiToken } from '../../persistence/entities/index.ts'
import { newToken, sha256 } from '../security/secrets.ts'
import { audit, type Actor } from '../audit/audit.ts'
import type { Role } from './capabilities.ts'
import { grantableScope, scopeWithin } from './scope.ts'

export interface TokenInput {
  name: string
  role: Role
  /** Omitted or null: every customer. */
  customerIds?: readonly string[] | null
  /** Days until the token expires (docs/api.md, "Token expiry"); omitted or null: it does not expire. */
  expiresInDays?: number | null
}

/**
 * The actor a stored token stands for while it is neither revoked nor expired; undefined for any
 * other value, so an expired token is refused exactly like an unknown one. Looked up by hash.
 */
export async function tokenActor(em: SqlEntityManager, token: string, now: Date): Promise<Actor | undefined> {
  const stored = await em.findOne(ApiToken, { tokenHash: sha256(token), revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] })
  return stored ? { name: `token:${stored.name}`, role: stored.role, customerIds: stored.customerIds ?? null } : undefined
}

/** The tokens the actor may manage (its scope's), oldest first. */
export async function listApiTokens(em: SqlEntityManager, actor: Actor): Promise<ApiToken[]> {
  const tokens = await em.find(ApiToken, {}, { orderBy: { createdAt: 'asc', id: 'asc' } })
  return tokens.filter((t) => scopeWithin(actor, t.customerIds ?? null))
}

/** Creates an API or storefront token; the clear token is returned once and never stored. */
export async function createApiToken(em: SqlEntityManager, actor: Actor, input: TokenInput, now: Date) {
  const token = `pg_${newToken(32)}`
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null
  const row = await em.transactional(async (tem) => {
    const customerIds = await grantableScope(tem, actor, input.customerIds ?? null)
    const created = tem.create(ApiToken, {
      id: randomUUID(), name: input.name, role: input.role, tokenHash: sha256(token), customerIds, createdAt: now, revokedAt: null, expiresAt,
    })
    audit(tem, actor, { action: 'token.create', targetType: 'token', targetId: created.id, customerId: null, after: { name: input.name, role: input.role, customerIds, expiresAt: expiresAt?.toISOString() ?? null } }, now)
    return created
  })
  return { row, token }
}

export async function revokeApiToken(em: SqlEntityManager, actor: Actor, id: string, now: Date): Promise<ApiToken> {
  return em.transactional(async (tem) => {
    const row = await tem.findOne(ApiToken, { id })
    // Another scope's token answers like a missing one: its existence is not confirmed.
    if (!row || !scopeWithin(actor, row.customerIds ?? null)) throw new PunchgateError('PG_ERR_NOT_FOUND', `No API token ${id}.`)
    row.revokedAt ??= now
    audit(tem, actor, { action: 'token.revoke', targetType: 'token', targetId: id, customerId: null }, now)
    return row
  })
}
