import { z } from 'zod'
import { PERMISSION_NAMES } from './permissions.ts'

/**
 * What role mapping (roles.ts) takes and gives. The domain owns the shapes; schemas/api/roles.ts
 * publishes them.
 */

/** One storefront permission of the fixed catalog (permissions.ts). */
export const permissionSchema = z.enum(PERMISSION_NAMES)

/** Money: at most two decimals, as stored (numeric(14,2)). */
const spendLimitSchema = z
  .number()
  .nonnegative()
  .max(999_999_999_999.99)
  .refine((v) => Number(v.toFixed(2)) === v, 'must have at most 2 decimals')

export const roleInputSchema = z.object({
  permissions: z.array(permissionSchema).max(50),
  /** Omitted: keep the role's current limit; null: no limit. */
  spendLimit: spendLimitSchema.nullable().optional(),
})
export type RoleInput = z.infer<typeof roleInputSchema>

export const roleSchema = z.object({
  name: z.string(),
  status: z.enum(['mapped', 'pending']),
  permissions: z.array(z.string()),
  spendLimit: z.number().nullable(),
  /** Users whose last setup request carried this role. */
  userCount: z.number().int().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type RoleView = z.infer<typeof roleSchema>
