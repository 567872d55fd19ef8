import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { ApiToken, type ApiRole } from '../../persistence/entities/index.ts'
import { newToken, sha256 } from '../security/secrets.ts'
import { audit, type Actor } from './audit.ts'

/** Creates an API or storefront token; the clear token is returned once and never stored. */
export async function createApiToken(em: SqlEntityManager, actor: Actor, input: { name: string; role: ApiRole }, now: Date) {
  const token = `pg_${newToken(32)}`
  const row = await em.transactional(async (tem) => {
    const created = tem.create(ApiToken, { id: randomUUID(), name: input.name, role: input.role, tokenHash: sha256(token), createdAt: now, revokedAt: null })
    audit(tem, actor, { action: 'token.create', targetType: 'token', targetId: created.id, after: input }, now)
    return created
  })
  return { row, token }
}

export async function revokeApiToken(em: SqlEntityManager, actor: Actor, id: string, now: Date): Promise<ApiToken> {
  return em.transactional(async (tem) => {
    const row = await tem.findOne(ApiToken, { id })
    if (!row) throw new PunchgateError('PG_ERR_NOT_FOUND', `No API token ${id}.`)
    row.revokedAt ??= now
    audit(tem, actor, { action: 'token.revoke', targetType: 'token', targetId: id }, now)
    return row
  })
}
