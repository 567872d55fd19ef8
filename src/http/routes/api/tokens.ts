import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import { createdTokenSchema, tokenInputSchema, tokenSchema } from '../../../../schemas/api/tokens.ts'
import { createApiToken, listApiTokens, revokeApiToken } from '../../../domain/accounts/tokens.ts'
import type { RouteContext } from '../index.ts'
import { tokenView } from './serialize.ts'

export async function tokenRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const now = ctx.deps.now

  api.get('/tokens', {
    onRequest: ctx.auth('manage'),
    schema: { tags: ['tokens'], summary: 'List API tokens (never their values)', response: { 200: z.array(tokenSchema) } },
  }, async (request) => (await listApiTokens(request.em, request.actor!)).map(tokenView))

  api.post('/tokens', {
    onRequest: ctx.auth('manage'),
    schema: {
      tags: ['tokens'], summary: 'Create an API or storefront token, optionally limited to some customers; the value is shown once',
      body: tokenInputSchema, response: { 201: createdTokenSchema },
    },
  }, async (request, reply) => {
    const { row, token } = await createApiToken(request.em, request.actor!, request.body, now())
    return reply.code(201).send({ ...tokenView(row), token })
  })

  api.post('/tokens/:id/revoke', {
    onRequest: ctx.auth('manage'),
    schema: { tags: ['tokens'], summary: 'Revoke a token', params: idParamsSchema, response: { 200: tokenSchema } },
  }, async (request) => tokenView(await revokeApiToken(request.em, request.actor!, request.params.id, now())))
}
