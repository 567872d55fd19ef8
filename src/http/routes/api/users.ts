import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import { userListQuerySchema, userSchema, userStatusBodySchema } from '../../../../schemas/api/users.ts'
import { listUsers, setUserStatus } from '../../../domain/provisioning/users.ts'
import type { RouteContext } from '../index.ts'

/** Buyer users provisioned just in time: list, disable, re-enable. */
export async function userRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { now } = ctx.deps
  const tags = ['users']

  api.get('/customers/:id/users', {
    onRequest: ctx.auth('read'),
    schema: {
      tags, summary: "A customer's buyer users; q searches unique name, email and display name",
      params: idParamsSchema, querystring: userListQuerySchema, response: { 200: z.array(userSchema) },
    },
  }, async (request) => listUsers(request.em, request.actor!, request.params.id, request.query))

  api.post('/users/:id/disable', {
    onRequest: ctx.auth('operate'),
    schema: { tags, summary: "Disable a buyer user: their next punchout is refused (403)", params: idParamsSchema, body: userStatusBodySchema, response: { 200: userSchema } },
  }, async (request) => setUserStatus(request.em, request.actor!, request.params.id, 'disabled', request.body?.reason, now()))

  api.post('/users/:id/enable', {
    onRequest: ctx.auth('operate'),
    schema: { tags, summary: 'Re-enable a disabled buyer user', params: idParamsSchema, body: userStatusBodySchema, response: { 200: userSchema } },
  }, async (request) => setUserStatus(request.em, request.actor!, request.params.id, 'active', request.body?.reason, now()))
}
