import type { FastifyRequest } from 'fastify'
import type { MikroORM } from '@mikro-orm/postgresql'
import type { Config } from '../config/index.ts'
import type { Actor } from '../domain/audit/audit.ts'
import { constantTimeEqual, sha256 } from '../domain/security/secrets.ts'
import { PunchgateError } from '../errors/index.ts'
import { ApiToken, type ApiRole } from '../persistence/entities/index.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor
  }
}

/** What each role may do. Storefront tokens only return carts; auditors only read. */
const ALLOWED: Record<ApiRole, ReadonlySet<string>> = {
  admin: new Set(['read', 'write', 'cart']),
  support: new Set(['read', 'cart']),
  auditor: new Set(['read']),
  storefront: new Set(['cart']),
}

export type Capability = 'read' | 'write' | 'cart'

/**
 * Runs as an onRequest hook: an unauthenticated request is refused before its body is read.
 * Bearer tokens: PUNCHGATE_ADMIN_TOKEN and PUNCHGATE_STOREFRONT_TOKEN (bootstrap, compared in
 * constant time), or tokens created through the API (stored as SHA-256, looked up by hash).
 */
export function bearerAuth(orm: MikroORM, config: Config) {
  return (capability: Capability) =>
    async (request: FastifyRequest): Promise<void> => {
      const header = request.headers.authorization ?? ''
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'Send an API token as "Authorization: Bearer <token>".')
      const actor = await resolveActor(orm, config, match[1]!)
      if (!actor) throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'The API token is not valid or was revoked.')
      if (!ALLOWED[actor.role].has(capability)) {
        throw new PunchgateError('PG_ERR_API_FORBIDDEN', `A ${actor.role} token cannot do this.`)
      }
      request.actor = actor
    }
}

async function resolveActor(orm: MikroORM, config: Config, token: string): Promise<Actor | undefined> {
  if (config.adminToken && constantTimeEqual(token, config.adminToken)) return { name: 'bootstrap-admin', role: 'admin', customerIds: null }
  if (config.storefrontToken && constantTimeEqual(token, config.storefrontToken)) return { name: 'bootstrap-storefront', role: 'storefront', customerIds: null }
  const stored = await orm.em.fork().findOne(ApiToken, { tokenHash: sha256(token), revokedAt: null })
  return stored ? { name: `token:${stored.name}`, role: stored.role, customerIds: null } : undefined
}
