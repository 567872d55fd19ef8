import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { onBehalfBodySchema, onBehalfStartSchema } from '../../../../schemas/api/on-behalf.ts'
import { startOnBehalf } from '../../../domain/on-behalf/start.ts'
import type { RouteContext } from '../index.ts'

/** Order on behalf: an agent starts a time-boxed storefront session as a buyer user. */
export async function onBehalfRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  api.post('/on-behalf', {
    onRequest: ctx.auth('operate'),
    schema: {
      tags: ['users'],
      summary: 'Act for a buyer user: a time-boxed session with a one-time start link (support and admin, with a reason)',
      body: onBehalfBodySchema,
      response: { 201: onBehalfStartSchema },
    },
  }, async (request, reply) => reply.code(201).send(await startOnBehalf(request.em, ctx.deps, request.actor!, request.body)))
}
