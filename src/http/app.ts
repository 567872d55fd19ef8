import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import { randomUUID } from 'node:crypto'
import type { Config } from '../config/index.ts'
import { registerBuiltinStorefront } from '../adapters/storefront/builtin/routes.ts'
import { registerConsole } from '../console/plugin.ts'
import { LocalSignInThrottle, type SignInThrottle } from '../console/throttle.ts'
import { BUILTIN_STOREFRONT_PREFIX, builtinStorefront } from '../adapters/storefront/builtin/storefront.ts'
import { httpOrderHandOff } from '../adapters/storefront/external/order-hand-off.ts'
import type { Deps } from '../domain/deps.ts'
import type { StorefrontAdapter } from '../domain/storefront/storefront.ts'
import { KeyRing } from '../domain/federation/key-ring.ts'
import { KeySealer, loadSecretKey, SecretHasher } from '../domain/security/secrets.ts'
import { sqlPriceBooks } from '../domain/pricing/store.ts'
import { CxmlParsePool } from '../protocols/cxml/parse-pool.ts'
import { MEMORY, openDatabase, type Database } from '../persistence/database.ts'
import { SqlPunchoutStore } from '../persistence/punchout-store.ts'
import { bearerAuth } from './auth.ts'
import { journaledClientErrors } from './client-errors.ts'
import { registerErrorMapper, sendError, toPunchgateError } from './error-mapper.ts'
import { registerFederation } from './federation.ts'
import { commitAnswer, registerJournal } from './journal.ts'
import { loggerOptions } from './logging.ts'
import { gatewayMetrics, serveMetrics } from './metrics.ts'
import { registerRawBodyParsers } from './raw-body.ts'
import { connectRedis, registerRateLimits } from './rate-limit/index.ts'
import { SharedSignInThrottle } from './rate-limit/sign-in.ts'
import { scheduleOutbox, type Outbox } from './outbox.ts'
import { scheduleRetention, type Retention } from './retention.ts'
import type { RouteContext } from './routes/index.ts'
import { agentRoutes } from './routes/api/agents.ts'
import { auditRoutes } from './routes/api/audit.ts'
import { customerRoutes } from './routes/api/customers.ts'
import { keyRoutes } from './routes/api/keys.ts'
import { onBehalfRoutes } from './routes/api/on-behalf.ts'
import { orderRoutes } from './routes/api/orders.ts'
import { orderStatusRoutes } from './routes/api/order-status.ts'
import { priceRoutes } from './routes/api/prices.ts'
import { replayRoutes } from './routes/api/replay.ts'
import { roleRoutes } from './routes/api/roles.ts'
import { sessionRoutes } from './routes/api/sessions.ts'
import { tokenRoutes } from './routes/api/tokens.ts'
import { userRoutes } from './routes/api/users.ts'
import { cartRoutes } from './routes/cart.ts'
import { cxmlRoutes } from './routes/cxml.ts'
import { demoRoutes } from './routes/demo.ts'
import { healthRoutes } from './routes/health.ts'
import { ociRoutes } from './routes/oci.ts'
import { resendRoutes } from './routes/resend.ts'
import { startRoutes } from './routes/start.ts'

/** Node's default limit on the request line and headers: no path parameter is longer. */
const MAX_PARAM_LENGTH = 16 * 1024

export interface AppOptions {
  /** Injected clock (tests); defaults to the system clock. */
  now?: () => Date
  /** A pino-compatible logger instance instead of the configured one (tests capture logs). */
  loggerInstance?: FastifyServerOptions['loggerInstance']
  /** `npm start`: the demo procurement page and an open API docs UI (docs/operations.md, "Demo mode"). */
  demo?: boolean
}

export interface App {
  app: FastifyInstance
  db: Database
  deps: Deps
  retention: Retention
  /** Deliveries to external storefronts and order-status URLs. */
  outbox: Outbox
  /** The separate /metrics listener (METRICS_PORT), for the server to listen on. */
  metricsListener?: FastifyInstance
}

/** Builds the gateway: database (migrated), keys, plugins in dependency order, routes. */
export async function buildApp(config: Readonly<Config>, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? (() => new Date())
  const db = await openDatabase(config)
  const metrics = gatewayMetrics(config, db)
  const sqlStore = new SqlPunchoutStore(db.orm)
  const store = metrics ? metrics.observe(sqlStore) : sqlStore
  const clientErrors = journaledClientErrors(store)
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: loggerOptions(config) }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    // Node checks these every connectionsCheckingInterval (30 s by default), so a slow body would
    // live up to twice its timeout: check every second (docs/operations.md, "Timeouts").
    requestTimeout: config.requestTimeoutSeconds * 1000,
    connectionTimeout: 60_000,
    http: { connectionsCheckingInterval: 1000, requestTimeout: config.requestTimeoutSeconds * 1000, headersTimeout: config.requestTimeoutSeconds * 1000 },
    trustProxy: config.trustProxy ?? false,
    // Path parameters (start tokens, ids, role names) are as long as the request line allows
    // (Node's 16 KiB header limit), so the routes themselves refuse a long one — journaled, 4xx.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Malformed URLs get the same answers as every other refusal (and a journal row).
    frameworkErrors: (err, request, reply) => sendError(request, reply, toPunchgateError(err)),
    // What Node's parser refuses before routing (a broken request line or header, headers over
    // the limit): a stable code, and a journal row (docs/operations.md, "Logs and the journal").
    clientErrorHandler: clientErrors.handler,
  })
  clientErrors.follow(app.server)
  app.addHook('onClose', () => db.close())
  drainOnClose(app)
  try {
    const serverKey = loadSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir, inMemory: config.dataDir === MEMORY })
    const hasher = new SecretHasher(serverKey)
    const sealer = new KeySealer(serverKey)
    const keys = new KeyRing(() => db.orm.em.fork(), config.assertionTtlSeconds + 120, now, sealer)
    await keys.ensureKey()
    app.setValidatorCompiler(validatorCompiler)
    app.setSerializerCompiler(serializerCompiler)
    registerRawBodyParsers(app)
    registerErrorMapper(app)
    registerJournal(app, store)
    const redis = await connectRedis(app, config)
    await registerRateLimits(app, config, hasher, redis)
    const signer = await registerFederation(app, config, keys)
    const deps: Deps = { config, hasher, sealer, keys, signer, store, prices: sqlPriceBooks(() => db.orm.em.fork()), storefront: storefrontFor(config, now), now }
    await app.register(swagger, {
      openapi: {
        info: { title: 'Punchgate API', version: '0.1.0', description: 'Admin and storefront API of the Punchgate punchout gateway.' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    })
    const auth = bearerAuth(db.orm, config, now)
    // Outside the demo the API description is for API clients only: any valid token reads it.
    await app.register(swaggerUi, { routePrefix: '/docs', ...(options.demo ? {} : { uiHooks: { onRequest: auth() } }) })
    const metricsListener = metrics ? await serveMetrics(app, metrics, config) : undefined
    const parsePool = new CxmlParsePool(config.cxmlParseWorkers)
    app.addHook('onClose', () => parsePool.close())
    // With Redis the console's failed sign-ins are counted for all replicas (and refused while it is down).
    const signInThrottle = redis ? new SharedSignInThrottle(redis, hasher) : new LocalSignInThrottle()
    await registerRoutes(app, { deps, db, auth, parsePool }, options.demo ?? false, signInThrottle)
    const retention = scheduleRetention(app, config, db, now)
    const outbox = scheduleOutbox(app, config, db, sealer, now)
    return { app, db, deps, retention, outbox, ...(metricsListener ? { metricsListener } : {}) }
  } catch (err) {
    await app.close()
    throw err
  }
}

/**
 * The storefront buyers are sent to: the built-in one, unless STOREFRONT_LOGIN_URL names another
 * (config.storefrontLoginUrl defaults to the built-in login URL). An external storefront cannot
 * answer catalog lookups yet, so the OCI background FUNCTIONs keep reading the built-in catalog.
 * Orders go to STOREFRONT_ORDER_URL when it is set (through the outbox); else the built-in
 * storefront keeps them.
 */
function storefrontFor(config: Readonly<Config>, now: () => Date): StorefrontAdapter {
  const builtin = builtinStorefront(config.publicUrl, now)
  const handOff = config.storefrontOrderUrl ? httpOrderHandOff(config.storefrontOrderUrl) : builtin.handOff
  if (config.storefrontLoginUrl === builtin.loginUrl) return { ...builtin, handOff }
  return { loginUrl: config.storefrontLoginUrl, catalog: builtin.catalog, handOff }
}

/** The routes, and the built-in storefront (always served, whichever storefront buyers are sent to). */
async function registerRoutes(app: FastifyInstance, ctx: RouteContext, demo: boolean, signInThrottle: SignInThrottle): Promise<void> {
  // One identity map per request (MikroORM's unit of work must not be shared between requests),
  // forked when a route first asks for it: the hot paths never do.
  const forks = new WeakMap<object, unknown>()
  app.decorateRequest('em', {
    getter(this: object) {
      if (!forks.has(this)) forks.set(this, ctx.db.orm.em.fork())
      return forks.get(this) as never
    },
  })
  await app.register(healthRoutes, ctx)
  await app.register(cxmlRoutes, ctx)
  await app.register(ociRoutes, ctx)
  await app.register(startRoutes, ctx)
  await app.register(resendRoutes, ctx)
  await app.register(cartRoutes, ctx)
  await app.register(customerRoutes, { ...ctx, prefix: '/api' })
  await app.register(priceRoutes, { ...ctx, prefix: '/api' })
  await app.register(tokenRoutes, { ...ctx, prefix: '/api' })
  await app.register(roleRoutes, { ...ctx, prefix: '/api' })
  await app.register(userRoutes, { ...ctx, prefix: '/api' })
  await app.register(onBehalfRoutes, { ...ctx, prefix: '/api' })
  await app.register(keyRoutes, { ...ctx, prefix: '/api' })
  await app.register(agentRoutes, { ...ctx, prefix: '/api' })
  await app.register(auditRoutes, { ...ctx, prefix: '/api' })
  await app.register(sessionRoutes, { ...ctx, prefix: '/api' })
  await app.register(replayRoutes, { ...ctx, prefix: '/api' })
  await app.register(orderRoutes, { ...ctx, prefix: '/api' })
  await app.register(orderStatusRoutes, { ...ctx, prefix: '/api' })
  await app.register(registerBuiltinStorefront, {
    deps: ctx.deps,
    commitAnswer: (request, reply, answer, plan, link) => commitAnswer(ctx.deps.store, request, reply, answer, plan, link),
    prefix: BUILTIN_STOREFRONT_PREFIX,
  })
  if (demo) await app.register(demoRoutes, { ...ctx, prefix: '/demo' })
  await app.register(registerConsole, { deps: ctx.deps, toError: toPunchgateError, signInThrottle, prefix: '/console' })
}

/**
 * On close (SIGTERM: a rolling deploy), requests in flight finish, and a keep-alive connection is
 * closed as soon as it falls idle — not when Node's keep-alive timeout (72 s) would end it:
 * Fastify closes the connections idle at that moment only, and the server's 'close' waits for all
 * (docs/operations.md, "Stopping").
 */
function drainOnClose(app: FastifyInstance): void {
  let timer: NodeJS.Timeout | undefined
  app.addHook('preClose', (done) => {
    timer = setInterval(() => app.server.closeIdleConnections(), 100).unref()
    done()
  })
  app.addHook('onClose', (_instance, done) => {
    clearInterval(timer)
    done()
  })
}
