import rateLimit, { normalizeIP } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../../config/index.ts'
import type { SecretHasher } from '../../domain/security/secrets.ts'
import { PunchgateError } from '../../errors/index.ts'
import { cxmlCredentialHint } from '../../protocols/cxml/credential-hint.ts'
import { ociCredentialHint } from '../../protocols/oci/credential-hint.ts'
import { fallbackStore, LocalCounters, SharedCounters } from './store.ts'

/**
 * The Redis connection when REDIS_URL is set (rate limits and the console's failed sign-ins), else
 * undefined. Start-up waits for it at most a second: an unreachable Redis does not stop the gateway.
 */
export async function connectRedis(app: FastifyInstance, config: Readonly<Config>): Promise<SharedCounters | undefined> {
  if (!config.redisUrl) return undefined
  const shared = new SharedCounters(config.redisUrl, config.redisKeyPrefix, app.log)
  app.addHook('onClose', () => shared.close())
  await shared.connected()
  return shared
}

/** Which limits a route has: every route not named here has none (docs/operations.md, "Rate limits"). */
type RouteClass = 'punchout' | 'start' | 'api' | 'signIn'

function routeClass(request: FastifyRequest): RouteClass | undefined {
  const url = request.routeOptions.url
  if (url === '/punchout/cxml' || url === '/punchout/oci') return 'punchout'
  if (url === '/punchout/start/:token') return 'start'
  if (url?.startsWith('/api/')) return 'api'
  if (url === '/console/sign-in' && request.method === 'POST') return 'signIn'
  return undefined
}

type Check = (request: FastifyRequest, reply: FastifyReply, key: string) => Promise<void>

/**
 * Rate limits per client address (onRequest: before the body is even read) and, on the punchout
 * endpoints, per customer credential as presented (preHandler: from the raw body, without parsing
 * it). A refusal is a PG_ERR_RATE_LIMITED with Retry-After, answered and journaled like any other
 * refusal — cXML for cXML clients, a page for browsers, JSON for the API.
 */
export async function registerRateLimits(app: FastifyInstance, config: Readonly<Config>, hasher: SecretHasher, shared: SharedCounters | undefined): Promise<void> {
  const limits = config.rateLimits
  if (!limits.enabled) return
  const timeWindow = limits.windowSeconds * 1000
  await app.register(rateLimit, { global: false, store: fallbackStore(shared, new LocalCounters()), skipOnError: true, timeWindow })

  const keys = new WeakMap<FastifyRequest, string>()
  const limiter = (name: string, max: number, subject: string): Check => {
    const check = app.createRateLimit({ max, timeWindow, keyGenerator: (request) => `${name}:${keys.get(request)}` })
    return async (request, reply, key) => {
      keys.set(request, key)
      const result = await check(request)
      if (result.isAllowed || !result.isExceeded) return
      reply.header('retry-after', String(result.ttlInSeconds))
      throw new PunchgateError(
        'PG_ERR_RATE_LIMITED',
        `Too many requests ${subject}: the limit is ${max} per ${limits.windowSeconds} seconds. Retry after ${result.ttlInSeconds} seconds; if this many requests are intended, ask the supplier to raise the limit.`,
      )
    }
  }
  const byAddress: Record<RouteClass, Check> = {
    punchout: limiter('punchout-address', limits.punchoutPerAddress, 'from this address'),
    start: limiter('start-address', limits.startPerAddress, 'from this address'),
    api: limiter('api-address', limits.apiPerAddress, 'from this address'),
    signIn: limiter('sign-in-address', limits.signInPerAddress, 'from this address'),
  }
  const byCredential = limiter('punchout-credential', limits.punchoutPerCredential, 'with this customer credential')

  app.addHook('onRequest', async (request, reply) => {
    const kind = routeClass(request)
    if (kind) await byAddress[kind](request, reply, normalizeIP(request.ip))
  })
  app.addHook('preHandler', async (request, reply) => {
    if (routeClass(request) !== 'punchout') return
    const credential = credentialOf(request)
    // The presented secret is part of the key, under the server's keyed hash: a stranger who
    // knows only a buyer's identity counts apart from that buyer and cannot exhaust its limit.
    if (credential !== undefined) await byCredential(request, reply, hasher.hash(credential))
  })
}

/** The credential as presented, one string; undefined when the request shows none (its address still counts). */
function credentialOf(request: FastifyRequest): string | undefined {
  const body = Buffer.isBuffer(request.body) ? request.body : undefined
  if (request.routeOptions.url === '/punchout/cxml') {
    const hint = body && cxmlCredentialHint(body)
    return hint ? ['cxml', hint.domain, hint.identity, hint.secret].join('\n') : undefined
  }
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
  const hint = ociCredentialHint(query, body)
  return hint ? ['oci', hint.username, hint.password].join('\n') : undefined
}
