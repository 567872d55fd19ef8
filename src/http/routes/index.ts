import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Deps } from '../../domain/deps.ts'
import type { Database } from '../../persistence/database.ts'
import type { Capability } from '../auth.ts'
import { registerBuiltinStorefront } from '../../adapters/storefront/builtin/routes.ts'
import { customerRoutes } from './api/customers.ts'
import { keyRoutes } from './api/keys.ts'
import { roleRoutes } from './api/roles.ts'
import { tokenRoutes } from './api/tokens.ts'
import { userRoutes } from './api/users.ts'
import { cartRoutes } from './cart.ts'
import { cxmlRoutes } from './cxml.ts'
import { demoRoutes } from './demo.ts'
import { healthRoutes } from './health.ts'
import { ociRoutes } from './oci.ts'
import { startRoutes } from './start.ts'

export interface RouteContext {
  deps: Deps
  db: Database
  auth: (capability: Capability) => (request: FastifyRequest) => Promise<void>
}

declare module 'fastify' {
  interface FastifyRequest {
    em: import('@mikro-orm/postgresql').SqlEntityManager
  }
}

export async function registerRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  // One identity map per request (MikroORM's unit of work must not be shared between requests).
  app.decorateRequest('em', null as never)
  app.addHook('onRequest', async (request) => {
    request.em = ctx.db.orm.em.fork() as never
  })
  await app.register(healthRoutes, ctx)
  await app.register(cxmlRoutes, ctx)
  await app.register(ociRoutes, ctx)
  await app.register(startRoutes, ctx)
  await app.register(cartRoutes, ctx)
  await app.register(customerRoutes, { ...ctx, prefix: '/api' })
  await app.register(tokenRoutes, { ...ctx, prefix: '/api' })
  await app.register(roleRoutes, { ...ctx, prefix: '/api' })
  await app.register(userRoutes, { ...ctx, prefix: '/api' })
  await app.register(keyRoutes, { ...ctx, prefix: '/api' })
  await app.register(registerBuiltinStorefront, { ...ctx, prefix: '/shop' })
  await app.register(demoRoutes, { ...ctx, prefix: '/demo' })
}
