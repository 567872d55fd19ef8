import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import { createdTokenSchema, tokenInputSchema, tokenSchema } from '../../../../schemas/api/tokens.ts'
import { createApiToken, revokeApiToken } from '../../../domain/audit/tokens.ts'
import { ApiToken } from '../../../persistence/entities/index.ts'
import type { RouteContext } from '../index.ts'
import { tokenView } from './serialize.ts'

export async function tokenRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const now = ctx.deps.now

  api.get('/tokens', {
    onRequest: ctx.auth('write'),
    schema: { tags: ['tokens'], summary: 'List API tokens (never their values)', response: { 200: z.array(tokenSchema) } },
  }, async (request) => (await request.em.find(ApiToken, {}, { orderBy: { createdAt: 'asc' } })).map(tokenView))

  api.post('/tokens', {
    onRequest: ctx.auth('write'),
    schema: { tags: ['tokens'], summary: 'Create an API or storefront token; the value is shown once', body: tokenInputSchema, response: { 201: createdTokenSchema } },
  }, async (request, reply) => {
    const { row, token } = await createApiToken(request.em, request.actor!, request.body, now())
    return reply.code(201).send({ ...tokenView(row), token })
  })

  api.post('/tokens/:id/revoke', {
    onRequest: ctx.auth('write'),
    schema: { tags: ['tokens'], summary: 'Revoke a token', params: idParamsSchema, response: { 200: tokenSchema } },
  }, async (request) => tokenView(await revokeApiToken(request.em, request.actor!, request.params.id, now())))
}
