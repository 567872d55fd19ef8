import { z } from 'zod'

/**
 * A buyer user as the admin API shows it, built by userView (users.ts). The domain owns the
 * shape; schemas/api/users.ts publishes it.
 */
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

/** Which of a customer's users listUsers returns (the API reads it from the query string). */
export interface UserListQuery {
  /** Users who have this role (case-insensitive). */
  role?: string
  status?: 'active' | 'disabled'
  /** Case-insensitive substring of the unique name, email or display name. */
  q?: string
  limit: number
  offset: number
}
