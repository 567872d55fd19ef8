import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { AuditEntry } from '../../persistence/entities/index.ts'

export interface Actor {
  /** e.g. "token:ops-admin" or "bootstrap-admin". */
  name: string
  role: 'admin' | 'support' | 'auditor' | 'storefront'
}

/** Records an administrative write in the same transaction as the write itself. */
export function audit(
  em: SqlEntityManager,
  actor: Actor,
  entry: { action: string; targetType: string; targetId: string; before?: unknown; after?: unknown; reason?: string },
  now: Date,
): void {
  em.persist(
    em.create(AuditEntry, {
      at: now,
      actor: actor.name,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      reason: entry.reason ?? null,
    } as AuditEntry),
  )
}
