import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { AuditEntry } from '../../persistence/entities/index.ts'
import type { Role } from '../accounts/capabilities.ts'

export interface Actor {
  /** e.g. "token:ops-admin", "agent:ana@supplier.example" or "bootstrap-admin". */
  name: string
  role: Role
  /** The customers this actor may see and act on; null: every customer. */
  customerIds: readonly string[] | null
  /**
   * Why the actor makes the change at hand, as they said it (the API's `X-Audit-Reason` header):
   * kept with every audit entry the change writes.
   */
  reason?: string
}

/** Whether `actor` may see or act on `customerId` (its customer scope). */
export const actorMaySee = (actor: Actor, customerId: string): boolean => actor.customerIds === null || actor.customerIds.includes(customerId)

export interface AuditInput {
  action: string
  targetType: string
  targetId: string
  /** The customer the target belongs to (null: none, e.g. a token or a signing key); scoped readers see only their customers' entries. */
  customerId: string | null
  before?: unknown
  after?: unknown
  /** Overrides the actor's reason (a reason sent in the request body). */
  reason?: string
}

/** Records an administrative write in the same transaction as the write itself. */
export function audit(em: SqlEntityManager, actor: Actor, entry: AuditInput, now: Date): void {
  em.persist(
    em.create(AuditEntry, {
      at: now,
      actor: actor.name,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      customerId: entry.customerId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      reason: entry.reason ?? actor.reason ?? null,
    } as AuditEntry),
  )
}
