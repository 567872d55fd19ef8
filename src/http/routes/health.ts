import type { FastifyInstance } from 'fastify'
import type { RouteContext } from './index.ts'

export async function healthRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await ctx.db.orm.em.fork().getConnection().execute('select 1')
      return { status: 'ready', database: ctx.db.embedded ? 'embedded' : 'postgresql' }
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' })
    }
  })

  app.get('/.well-known/jwks.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60')
    return ctx.deps.keys.jwks()
  })
}
