/**
 * A customer's support tier (`slaTier`, docs/api.md): how fast support answers its failed
 * punchouts; the console orders waiting failures by it. Separate from the free-text `tier`, which
 * is a commercial label.
 */
export const SLA_TIERS = [1, 2, 3] as const
export type SlaTier = (typeof SLA_TIERS)[number]

/** Hours within which support responds, per tier. */
export const SLA_RESPONSE_HOURS: Readonly<Record<SlaTier, number>> = Object.freeze({ 1: 2, 2: 4, 3: 24 })

export const DEFAULT_SLA_TIER: SlaTier = 3
