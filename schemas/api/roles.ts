import { z } from 'zod'
import { permissionSchema, roleSchema } from '../../src/domain/provisioning/role-shapes.ts'

/** Role input and view are domain shapes (src/domain/provisioning/role-shapes.ts), published as is. */
export { permissionSchema, roleInputSchema, roleSchema, type RoleInput, type RoleView } from '../../src/domain/provisioning/role-shapes.ts'

/** Role names are the buyer system's own words; they match case-insensitively. */
export const roleNameSchema = z.string().trim().min(1).max(200)

export const roleParamsSchema = z.object({ id: z.uuid(), role: roleNameSchema })

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
