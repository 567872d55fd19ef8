import { z } from 'zod'
import { TOKEN_ROLES } from '../../src/domain/accounts/capabilities.ts'

/** A customer scope: at least one existing customer; omitted or null is every customer. */
export const customerScopeSchema = z.array(z.uuid()).min(1).max(1000).nullable()

/** Ten years, as `retentionDays`: beyond it a date is no longer an expiry anyone plans for. */
const MAX_TOKEN_DAYS = 3650

export const tokenInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(TOKEN_ROLES),
  customerIds: customerScopeSchema.optional(),
  /** Omitted or null: the token does not expire (docs/api.md, "Token expiry"). */
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).nullable().optional(),
})

export const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.string(),
  customerIds: z.array(z.uuid()).nullable(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
})

/** Shown once, at creation: only a hash is kept. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string() })
