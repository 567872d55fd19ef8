import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { AuditEntry } from '../../persistence/entities/index.ts'

export interface Actor {
  /** e.g. "token:ops-admin", "agent:ana@supplier.example" or "bootstrap-admin". */
  name: string
  role: 'admin' | 'support' | 'auditor' | 'storefront'
  /** The customers this actor may see and act on; null: every customer. */
  customerIds: readonly string[] | null
}

/** Whether `actor` may see or act on `customerId` (its customer scope). */
export const actorMaySee = (actor: Actor, customerId: string): boolean => actor.customerIds === null || actor.customerIds.includes(customerId)

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
