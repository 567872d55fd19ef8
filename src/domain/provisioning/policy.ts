import { z } from 'zod'

/** A customer's provisioning policy (docs/identity-profiles.md, "Provisioning policy"). */
export const provisioningPolicySchema = z.object({
  /** Create users the gateway has never seen. */
  autoCreateUsers: z.boolean().default(true),
  /** Update known users' profile fields (name, email, ...) from each setup request. */
  updateProfiles: z.boolean().default(true),
  /** What an unknown role name does: create it pending review, use the default role, or refuse. */
  unknownRoles: z.enum(['pending', 'default', 'reject']).default('pending'),
  /** The role of buyers who send none, and the target of `unknownRoles: default`. */
  defaultRole: z.string().trim().min(1).max(200).default('buyer'),
  /** Find a user by email when the unique name is not known (renamed unique names). */
  matchByEmail: z.boolean().default(true),
  /** Buyer systems that send no person: run as one labelled stand-in user instead of refusing. */
  allowUnidentifiedBuyers: z.boolean().default(false),
})

export type ProvisioningPolicy = z.infer<typeof provisioningPolicySchema>

export const parsePolicy = (value: unknown): ProvisioningPolicy => provisioningPolicySchema.parse(value ?? {})
