import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Config } from '../config/index.ts'
import { ERRORS, PunchgateError } from '../errors/index.ts'
import type { Database } from '../persistence/database.ts'
import type { JournalRow, PunchoutStore, WritePlan } from '../persistence/punchout-store.ts'
import { registerErrorMapper } from './error-mapper.ts'
import { registerOutboxGauge } from './outbox-metrics.ts'

/**
 * Prometheus metrics (docs/operations.md, "Metrics"), on a registry of this app's own: tests build
 * many apps in one process, and each counts only its own requests. Off unless METRICS_TOKEN or
 * METRICS_PORT is set; then served either on the separate listener (METRICS_PORT) or on the main
 * port behind the bearer token.
 */
export interface GatewayMetrics {
  registry: Registry
  /** The store, counting every setup whose journal row it writes. */
  observe(store: PunchoutStore): PunchoutStore
  /** Times every answered request, per route pattern (before the routes are registered). */
  time(app: FastifyInstance): void
}

const OPERATIONS = new Set(['create', 'edit', 'inspect', 'source'])

export function gatewayMetrics(config: Readonly<Config>, db: Database): GatewayMetrics | undefined {
  if (config.metricsToken === undefined && config.metricsPort === undefined) return undefined
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const sessions = new Counter({
    name: 'punchgate_sessions_total',
    help: 'Answered punchout setups (cXML PunchOutSetupRequest, OCI login and FUNCTIONs) by protocol, operation, outcome and failure code.',
    labelNames: ['protocol', 'operation', 'outcome', 'failure_code'] as const,
    registers: [registry],
  })
  const durations = new Histogram({
    name: 'punchgate_http_request_duration_seconds',
    help: 'Time to answer a request, per route pattern, method and status class.',
    labelNames: ['route', 'method', 'status_class'] as const,
    registers: [registry],
  })
  registerPoolGauges(registry, db)
  registerOutboxGauge(registry, db)

  /** A setup is counted once its journal row is written: what the journal holds is what is counted. */
  const countSetup = (plan: WritePlan, row: JournalRow): void => {
    if (row.channel !== 'cxml' && row.channel !== 'oci') return
    const session = plan.newSession
    // Answered without a session and without a refusal: a ProfileRequest, not a setup.
    if (!session && row.outcome === 'ok') return
    sessions.inc({
      protocol: row.channel,
      // Refused before it became a session (bad credential, malformed document): not known.
      operation: session && OPERATIONS.has(session.operation) ? session.operation : 'unknown',
      outcome: row.outcome,
      failure_code: row.errorCode && row.errorCode in ERRORS ? row.errorCode : '',
    })
  }

  return {
    registry,
    observe(store) {
      // The store itself, but for commit: whatever else it offers stays as it is.
      const observed = Object.create(store) as PunchoutStore
      observed.commit = async (plan, row) => {
        const applied = await store.commit(plan, row)
        if (applied) countSetup(plan, row)
        return applied
      }
      return observed
    },
    time(app) {
      app.addHook('onResponse', async (request, reply) => {
        durations.observe(
          // The pattern (/punchout/start/:token), never the URL: bounded, and no start link in a label.
          { route: request.routeOptions.url ?? 'unmatched', method: request.method, status_class: `${Math.floor(reply.statusCode / 100)}xx` },
          reply.elapsedTime / 1000,
        )
      })
    },
  }
}

/**
 * Times the app's requests and serves /metrics: on a listener of its own when METRICS_PORT is set (returned, for the server to
 * listen; the main port then has no /metrics), otherwise on the main port. Either way behind
 * METRICS_TOKEN when set. Not journaled, not in the OpenAPI document.
 */
export async function serveMetrics(app: FastifyInstance, metrics: GatewayMetrics, config: Readonly<Config>): Promise<FastifyInstance | undefined> {
  metrics.time(app)
  if (config.metricsPort === undefined) {
    await app.register(metricsRoute(metrics, config))
    return undefined
  }
  const listener = Fastify({ loggerInstance: app.log.child({ listener: 'metrics' }), disableRequestLogging: true })
  registerErrorMapper(listener)
  await listener.register(metricsRoute(metrics, config))
  app.addHook('onClose', () => listener.close())
  return listener
}

function metricsRoute(metrics: GatewayMetrics, config: Readonly<Config>) {
  const expected = config.metricsToken === undefined ? undefined : digest(config.metricsToken)
  return async (app: FastifyInstance) => {
    app.get('/metrics', {
      schema: { hide: true },
      // A scrape every few seconds is not news.
      logLevel: 'warn',
      onRequest: async (request: FastifyRequest) => {
        if (expected && !timingSafeEqual(digest(bearer(request)), expected)) {
          throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'The metrics bearer token (METRICS_TOKEN) is required.')
        }
      },
    }, async (_request, reply) => {
      reply.type(metrics.registry.contentType)
      return metrics.registry.metrics()
    })
  }
}

const bearer = (request: FastifyRequest): string => /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''

/** Equal-length digests, so the comparison takes as long whatever the token presented. */
const digest = (token: string): Buffer => createHash('sha256').update(token).digest()

interface TarnPool {
  max: number
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
}

/**
 * The connection pool the ORM queries through (knex's): PostgreSQL's, up to 10 connections; the
 * embedded database's is a pool of one (its single session).
 */
function registerPoolGauges(registry: Registry, db: Database): void {
  const pool = (): TarnPool | undefined => (db.orm.em.getKnex().client as { pool?: TarnPool }).pool
  new Gauge({
    name: 'punchgate_db_pool_connections',
    help: 'Database pool connections: in use by a query, or idle.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const p = pool()
      this.set({ state: 'used' }, p?.numUsed() ?? 0)
      this.set({ state: 'free' }, p?.numFree() ?? 0)
    },
  })
  new Gauge({
    name: 'punchgate_db_pool_pending_acquires',
    help: 'Queries waiting for a database connection.',
    registers: [registry],
    collect() {
      this.set(pool()?.numPendingAcquires() ?? 0)
    },
  })
  new Gauge({
    name: 'punchgate_db_pool_max_connections',
    help: 'Largest size of the database pool (1 for the embedded database).',
    registers: [registry],
    collect() {
      this.set(pool()?.max ?? 0)
    },
  })
}
