import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { z } from 'zod'
import { OutboxMessage } from '../../persistence/entities/index.ts'

/** An outbound message and its delivery state, as the order API shows it (docs/api.md, "Orders"). */
export const outboxMessageSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['storefront.order', 'cxml.confirmation', 'cxml.ship_notice']),
  state: z.enum(['pending', 'delivered', 'dead']),
  url: z.string(),
  /** What it says: the confirmation type, the carrier and tracking number. */
  summary: z.record(z.string(), z.unknown()),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  /** The HTTP status of the last answer, and for cXML the buyer's Response Status code. */
  lastStatus: z.number().int().nullable(),
  cxmlStatus: z.number().int().nullable(),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
})
export type OutboxMessageView = z.infer<typeof outboxMessageSchema>

export function outboxMessageView(m: OutboxMessage): OutboxMessageView {
  return {
    id: m.id,
    kind: m.kind,
    state: m.state,
    url: m.url,
    summary: m.summary,
    attempts: m.attempts,
    nextAttemptAt: m.state === 'pending' ? m.nextAttemptAt.toISOString() : null,
    lastError: m.lastError ?? null,
    lastStatus: m.lastStatus ?? null,
    cxmlStatus: m.cxmlStatus ?? null,
    createdAt: m.createdAt.toISOString(),
    deliveredAt: m.deliveredAt ? m.deliveredAt.toISOString() : null,
  }
}

/** An order's outbound messages, oldest first. */
export async function orderMessages(em: SqlEntityManager, orderId: string): Promise<OutboxMessageView[]> {
  const messages = await em.find(OutboxMessage, { orderId }, { orderBy: { createdAt: 'asc', id: 'asc' } })
  return messages.map(outboxMessageView)
}
