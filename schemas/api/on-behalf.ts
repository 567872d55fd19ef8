import { z } from 'zod'

/** An agent's request to act as a buyer (docs/api.md, "Order on behalf"). */
export const onBehalfBodySchema = z.object({
  userId: z.uuid(),
  /** Why, in the agent's words: kept on the session and in the audit log. */
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
  /** The time box; default 30, at most the customer's onBehalf.maxMinutes. */
  minutes: z.number().int().min(5).max(480).optional(),
})

export const onBehalfStartSchema = z.object({
  sessionId: z.uuid(),
  startUrl: z.url(),
  startUrlExpiresAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
})
