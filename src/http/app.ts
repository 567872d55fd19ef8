import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { randomUUID } from 'node:crypto'
import type { Config } from '../config/index.ts'
import type { Deps } from '../domain/deps.ts'
import { KeyRing } from '../domain/federation/key-ring.ts'
import { loadSecretKey, SecretHasher } from '../domain/security/secrets.ts'
import { MEMORY, openDatabase, type Database } from '../persistence/database.ts'
import { bearerAuth } from './auth.ts'
import { registerErrorMapper, sendError, toPunchgateError } from './error-mapper.ts'
import { registerFederation } from './federation.ts'
import { registerJournal } from './journal.ts'
import { loggerOptions } from './logging.ts'
import { registerRawBodyParsers } from './raw-body.ts'
import { registerRoutes } from './routes/index.ts'

export interface AppOptions {
  /** Injected clock (tests); defaults to the system clock. */
  now?: () => Date
  /** A pino-compatible logger instance instead of the configured one (tests capture logs). */
  loggerInstance?: FastifyServerOptions['loggerInstance']
}

export interface App {
  app: FastifyInstance
  db: Database
  deps: Deps
}

/** Builds the gateway: database (migrated), keys, plugins in dependency order, routes. */
export async function buildApp(config: Readonly<Config>, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? (() => new Date())
  const db = await openDatabase(config)
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: loggerOptions(config) }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    trustProxy: config.trustProxy ?? false,
    // Role names (up to 200 characters) and start tokens travel in path parameters.
    routerOptions: { maxParamLength: 256 },
    // Malformed URLs get the same answers as every other refusal (and a journal row).
    frameworkErrors: (err, request, reply) => sendError(request, reply, toPunchgateError(err)),
  })
  app.addHook('onClose', () => db.close())
  try {
    const hasher = new SecretHasher(loadSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, inMemory: config.dataDir === MEMORY }))
    const keys = new KeyRing(() => db.orm.em.fork(), config.assertionTtlSeconds + 120, now)
    await keys.ensureKey()
    app.setValidatorCompiler(validatorCompiler)
    app.setSerializerCompiler(serializerCompiler)
    registerRawBodyParsers(app)
    registerErrorMapper(app)
    registerJournal(app, db.orm)
    const signer = await registerFederation(app, config, keys)
    const deps: Deps = { config, hasher, keys, signer, now }
    await app.register(swagger, {
      openapi: {
        info: { title: 'Punchgate API', version: '0.1.0', description: 'Admin and storefront API of the Punchgate punchout gateway.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    })
    await app.register(swaggerUi, { routePrefix: '/docs' })
    await registerRoutes(app, { deps, db, auth: bearerAuth(db.orm, config) })
    return { app, db, deps }
  } catch (err) {
    await app.close()
    throw err
  }
}

