import { z } from 'zod'
import type { AgentView } from '../../src/domain/accounts/agents.ts'
import { AGENT_ROLES } from '../../src/domain/accounts/capabilities.ts'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/domain/accounts/passwords.ts'
import { customerScopeSchema } from './tokens.ts'

const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH)

export const agentInputSchema = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  role: z.enum(AGENT_ROLES),
  customerIds: customerScopeSchema.optional(),
  /** Optional: the account cannot sign in until a password is set. */
  password: passwordSchema.optional(),
})

export const agentPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(AGENT_ROLES).optional(),
  customerIds: customerScopeSchema.optional(),
  disabled: z.boolean().optional(),
}).strict()

export const agentPasswordSchema = z.object({ password: passwordSchema })

export const agentSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(AGENT_ROLES),
  customerIds: z.array(z.uuid()).nullable(),
  disabled: z.boolean(),
  hasPassword: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  lastSignInAt: z.iso.datetime().nullable(),
}) satisfies z.ZodType<AgentView>
