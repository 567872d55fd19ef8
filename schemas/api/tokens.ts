import { z } from 'zod'
import { TOKEN_ROLES } from '../../src/domain/accounts/capabilities.ts'

/** A customer scope: at least one existing customer; omitted or null is every customer. */
export const customerScopeSchema = z.array(z.uuid()).min(1).max(1000).nullable()

export const tokenInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(TOKEN_ROLES),
  customerIds: customerScopeSchema.optional(),
})

export const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.string(),
  customerIds: z.array(z.uuid()).nullable(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
})

/** Shown once, at creation: only a hash is kept. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string() })
