import { z } from 'zod'

export const tokenInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'support', 'auditor', 'storefront']),
})

export const tokenSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.string(),
  createdAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
})

/** Shown once, at creation: only a hash is kept. */
export const createdTokenSchema = tokenSchema.extend({ token: z.string() })
