import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { agentInputSchema, agentPasswordSchema, agentPatchSchema, agentSchema } from '../../../../schemas/api/agents.ts'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import { createAgent, getAgent, listAgents, patchAgent, setAgentPassword } from '../../../domain/accounts/agents.ts'
import type { RouteContext } from '../index.ts'

/** Agent accounts: the people who sign in to the console (docs/api.md, "Agent accounts"). */
export async function agentRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { now } = ctx.deps
  const tags = ['agents']

  api.get('/agents', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'List agent accounts (never their passwords)', response: { 200: z.array(agentSchema) } },
  }, async (request) => listAgents(request.em, request.actor!))

  api.post('/agents', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Create an agent account: admin, support or auditor, optionally limited to some customers', body: agentInputSchema, response: { 201: agentSchema } },
  }, async (request, reply) => reply.code(201).send(await createAgent(request.em, request.actor!, request.body, now())))

  api.get('/agents/:id', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'One agent account', params: idParamsSchema, response: { 200: agentSchema } },
  }, async (request) => getAgent(request.em, request.actor!, request.params.id))

  api.patch('/agents/:id', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Change name, role, customer scope; disable or re-enable', params: idParamsSchema, body: agentPatchSchema, response: { 200: agentSchema } },
  }, async (request) => patchAgent(request.em, request.actor!, request.params.id, request.body, now()))

  api.post('/agents/:id/password', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Set a new password (stored as a scrypt hash, never shown)', params: idParamsSchema, body: agentPasswordSchema, response: { 204: z.null() } },
  }, async (request, reply) => {
    await setAgentPassword(request.em, request.actor!, request.params.id, request.body.password, now())
    return reply.code(204).send(null)
  })
}
