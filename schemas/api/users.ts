import { z } from 'zod'
import type { UserListQuery } from '../../src/domain/provisioning/user-view.ts'

/** The user list's query string, parsed into the domain's UserListQuery (checked by `satisfies`). */
export const userListQuerySchema = z.object({
  /** Users who have this role (case-insensitive). */
  role: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  /** Case-insensitive substring of the unique name, email or display name. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
}) satisfies z.ZodType<UserListQuery>
export type { UserListQuery }

/** Why an admin disables or re-enables a user: kept in the audit log. The body is optional (Fastify passes null). */
export const userStatusBodySchema = z
  .object({ reason: z.string().trim().min(1).max(1000).optional() })
  .nullish()

/** The user view is a domain shape (src/domain/provisioning/user-view.ts), published as is. */
export { userSchema, type UserView } from '../../src/domain/provisioning/user-view.ts'
