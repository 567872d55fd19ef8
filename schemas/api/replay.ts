import { z } from 'zod'

/**
 * Replay and re-send (docs/api.md, "Replay", "Re-send a returned cart"). The answers are built by
 * src/domain/replay; these shapes publish them.
 */

const reason = z.string().trim().min(1).max(1000).optional()

export const sessionReplayBodySchema = z.object({
  mode: z.enum(['dry-run', 'live']),
  /** Why the agent replays; overrides X-Audit-Reason in the audit log of a live replay. */
  reason,
})

export const requestReplayBodySchema = z.object({
  /** OrderRequests are replayed as a dry run only: an order is never placed again. */
  mode: z.literal('dry-run'),
})

export const resendBodySchema = z.object({ reason }).nullish()

const setupVerdictSchema = z.object({
  outcome: z.enum(['provisioned', 'refused', 'other']),
  status: z.string().optional(),
  code: z.string().optional(),
  text: z.string().optional(),
  user: z.string().optional(),
  roles: z.array(z.object({ key: z.string(), status: z.string(), permissions: z.array(z.string()) })).optional(),
  permissions: z.array(z.string()).optional(),
})

const stepSchema = z.object({ step: z.string(), then: z.string(), now: z.string(), changed: z.boolean() })

export const setupDryRunSchema = z.object({
  mode: z.literal('dry-run'),
  sessionId: z.uuid(),
  protocol: z.enum(['cxml', 'oci']),
  requestId: z.string(),
  secretChecked: z.literal(false),
  note: z.string(),
  then: setupVerdictSchema,
  now: setupVerdictSchema,
  steps: z.array(stepSchema),
})

export const liveReplaySchema = z.object({
  mode: z.literal('live'),
  sessionId: z.uuid(),
  replayOf: z.uuid(),
  /** The one-time StartPage link of the new session: open it, or send it to the buyer. */
  startUrl: z.string(),
  startLinkExpiresAt: z.iso.datetime(),
})

const orderVerdictSchema = z.object({
  outcome: z.enum(['accepted', 'refused']),
  code: z.string().optional(),
  text: z.string().optional(),
  prices: z.string().optional(),
  links: z.string().optional(),
})

export const orderDryRunSchema = z.object({
  mode: z.literal('dry-run'),
  requestId: z.string(),
  payloadId: z.string().nullable(),
  secretChecked: z.literal(false),
  note: z.string(),
  then: orderVerdictSchema,
  now: orderVerdictSchema,
  steps: z.array(stepSchema),
})

export const resendLinkSchema = z.object({
  /** Opened in the buyer's browser, it posts the stored cart to the return URL once. */
  url: z.string(),
  expiresAt: z.iso.datetime(),
  cartId: z.uuid(),
})
