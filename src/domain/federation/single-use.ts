import type { SqlEntityManager } from '@mikro-orm/postgresql'

/**
 * Marks a one-time value as used; true only for the first caller, across replicas. Keys are
 * namespaced by kind ("assert:<jti>") so one kind can never consume another (docs/storefront.md,
 * "How the gateway signs and verifies").
 * Call it only after the value's signature and claims were verified.
 */
export async function consumeOnce(em: SqlEntityManager, kind: string, value: string, expiresAt: Date): Promise<boolean> {
  const rows = await em.execute<Array<{ key: string }>>(
    'insert into single_use_keys (key, expires_at) values (?, ?) on conflict (key) do nothing returning key',
    [`${kind}:${value}`, expiresAt],
  )
  return rows.length === 1
}

/** Whether a one-time value was already used (a read: it consumes nothing). */
export async function wasConsumed(em: SqlEntityManager, kind: string, value: string): Promise<boolean> {
  const rows = await em.execute<Array<{ used: number }>>('select 1 as used from single_use_keys where key = ?', [`${kind}:${value}`])
  return rows.length > 0
}
