import type { FastifyRequest } from 'fastify'
import type { MikroORM } from '@mikro-orm/postgresql'
import type { Config } from '../config/index.ts'
import { roleMay, type Capability } from '../domain/accounts/capabilities.ts'
import { tokenActor } from '../domain/accounts/tokens.ts'
import type { Actor } from '../domain/audit/audit.ts'
import { constantTimeEqual } from '../domain/security/secrets.ts'
import { PunchgateError } from '../errors/index.ts'

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor
  }
}

export type { Capability }

/** The audit reason a write may carry (docs/api.md, "Audit log"): UTF-8, percent-encoded. */
const AUDIT_REASON_HEADER = 'x-audit-reason'
const REASON_MAX_LENGTH = 1000

/**
 * Runs as an onRequest hook: an unauthenticated request is refused before its body is read.
 * Bearer tokens: PUNCHGATE_ADMIN_TOKEN and PUNCHGATE_STOREFRONT_TOKEN (bootstrap, compared in
 * constant time, every customer, no expiry), or tokens created through the API (stored as SHA-256,
 * looked up by hash, with their customer scope and expiry). The role must grant the route's capability.
 */
export function bearerAuth(orm: MikroORM, config: Config, now: () => Date) {
  // Without a capability any valid token passes (the API description, docs/operations.md, "API documentation").
  return (capability?: Capability) =>
    async (request: FastifyRequest): Promise<void> => {
      const header = request.headers.authorization ?? ''
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      if (!match) throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'Send an API token as "Authorization: Bearer <token>".')
      const actor = await resolveActor(orm, config, match[1]!, now())
      if (!actor) throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'The API token is not valid, has expired or was revoked.')
      if (capability !== undefined && !roleMay(actor.role, capability)) {
        throw new PunchgateError('PG_ERR_API_FORBIDDEN', `A ${actor.role} token cannot do this (it needs the ${capability} capability).`)
      }
      const reason = auditReason(request.headers[AUDIT_REASON_HEADER])
      request.actor = reason === undefined ? actor : { ...actor, reason }
    }
}

async function resolveActor(orm: MikroORM, config: Config, token: string, now: Date): Promise<Actor | undefined> {
  if (config.adminToken && constantTimeEqual(token, config.adminToken)) return { name: 'bootstrap-admin', role: 'admin', customerIds: null }
  if (config.storefrontToken && constantTimeEqual(token, config.storefrontToken)) return { name: 'bootstrap-storefront', role: 'storefront', customerIds: null }
  return tokenActor(orm.em.fork(), token, now)
}

/** The X-Audit-Reason header, percent-decoded (headers carry no UTF-8 of their own). */
function auditReason(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined
  let decoded: string
  try {
    decoded = decodeURIComponent(Array.isArray(header) ? header.join(', ') : header)
  } catch {
    throw new PunchgateError('PG_ERR_API_VALIDATION', 'X-Audit-Reason is not valid percent-encoded UTF-8 (encode it as encodeURIComponent does; "%" is "%25").')
  }
  const reason = decoded.trim()
  if (reason.length === 0 || reason.length > REASON_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(decoded)) {
    throw new PunchgateError('PG_ERR_API_VALIDATION', `X-Audit-Reason must be 1 to ${REASON_MAX_LENGTH} characters of text, without control characters.`)
  }
  return reason
}
