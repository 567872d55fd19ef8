import type { FastifyRequest } from 'fastify'
import type { Deps } from '../../domain/deps.ts'
import type { Database } from '../../persistence/database.ts'
import type { CxmlParsePool } from '../../protocols/cxml/parse-pool.ts'
import type { Capability } from '../auth.ts'

/**
 * What every route plugin is registered with. The routes are registered by the composition root
 * (src/http/app.ts), not here, so that route modules can import this one without an import cycle.
 */
export interface RouteContext {
  deps: Deps
  db: Database
  auth: (capability: Capability) => (request: FastifyRequest) => Promise<void>
  /** Parses large cXML documents off the event loop. */
  parsePool: CxmlParsePool
}

declare module 'fastify' {
  interface FastifyRequest {
    em: import('@mikro-orm/postgresql').SqlEntityManager
  }
}
