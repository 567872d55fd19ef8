import { randomUUID } from 'node:crypto'
import type { OutboxKind, OutboxMessage } from '../../persistence/entities/index.ts'

export interface OutboxDelivery {
  kind: OutboxKind
  customerId: string
  orderId: string | null
  sessionId: string | null
  url: string
  contentType: string
  body: string
  summary: Record<string, unknown>
}

/** A message waiting for its first attempt, due at once (docs/operations.md, "The outbox"). */
export function outboxMessage(delivery: OutboxDelivery, now: Date): OutboxMessage {
  return {
    id: randomUUID(),
    ...delivery,
    attempts: 0,
    nextAttemptAt: now,
    state: 'pending',
    lastError: null,
    lastStatus: null,
    cxmlStatus: null,
    createdAt: now,
    deliveredAt: null,
  }
}

/** The first retry waits about this long; each next one twice as long, up to RETRY_CAP_MS. */
export const RETRY_BASE_MS = 30_000
export const RETRY_CAP_MS = 6 * 60 * 60 * 1000

/**
 * Exponential backoff with jitter: after attempt n, wait between half and all of
 * min(RETRY_BASE_MS · 2^(n-1), RETRY_CAP_MS), so replicas retrying a storefront that came back do not
 * all arrive at once.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1), RETRY_CAP_MS)
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}
