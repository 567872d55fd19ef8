import { z } from 'zod'

export const userListQuerySchema = z.object({
  /** Users who have this role (case-insensitive). */
  role: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  /** Case-insensitive substring of the unique name, email or display name. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
})
export type UserListQuery = z.infer<typeof userListQuerySchema>

/** Why an admin disables or re-enables a user: kept in the audit log. The body is optional (Fastify passes null). */
export const userStatusBodySchema = z
  .object({ reason: z.string().trim().min(1).max(1000).optional() })
  .nullish()

export const userSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  uniqueName: z.string(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  costCenter: z.string().nullable(),
  department: z.string().nullable(),
  businessUnit: z.string().nullable(),
  shipToId: z.string().nullable(),
  locale: z.string().nullable(),
  roles: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  /** The labelled stand-in of a customer whose buyer system sends no person. */
  unidentified: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime().nullable(),
})
export type UserView = z.infer<typeof userSchema>
