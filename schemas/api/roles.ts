import { z } from 'zod'
import { PERMISSION_NAMES } from '../../src/domain/provisioning/permissions.ts'

/** One storefront permission of the fixed catalog (src/domain/provisioning/permissions.ts). */
export const permissionSchema = z.enum(PERMISSION_NAMES)

/** Role names are the buyer system's own words; they match case-insensitively. */
export const roleNameSchema = z.string().trim().min(1).max(200)

export const roleParamsSchema = z.object({ id: z.uuid(), role: roleNameSchema })

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

/** A role in the cross-customer review list, with the customer it belongs to. */
export const customerRoleSchema = roleSchema.extend({
  customer: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
})

export const roleListQuerySchema = z.object({
  status: z.enum(['mapped', 'pending']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

export const permissionCatalogSchema = z.array(
  z.object({
    name: permissionSchema,
    description: z.string(),
    /** Granted by a new customer's default role and by pending roles. */
    default: z.boolean(),
  }),
)
