import { z } from 'zod'
import type { Customer } from '../../persistence/entities/index.ts'

/**
 * A customer's rules for order on behalf (docs/api.md, "Order on behalf"): whether agents may act
 * for its buyers at all, and the longest time box an agent may ask for. Set through the customer
 * admin API as a whole object; omitted fields take their defaults.
 */
export const onBehalfSettingsSchema = z.object({
  allowed: z.boolean().default(true),
  maxMinutes: z.number().int().min(5).max(480).default(60),
})
export type OnBehalfSettings = z.infer<typeof onBehalfSettingsSchema>

/** The time box when the agent names none. */
export const DEFAULT_ON_BEHALF_MINUTES = 30

/** A customer that never set them (null) allows it, for at most 60 minutes. */
export const onBehalfSettings = (customer: Pick<Customer, 'onBehalf'>): OnBehalfSettings => onBehalfSettingsSchema.parse(customer.onBehalf ?? {})
