import { availableParallelism } from 'node:os'
import { z } from 'zod'

/**
 * Configuration comes from the environment, is parsed once at start-up, and is frozen.
 * A wrong value stops start-up with a message naming the variable (see ConfigError).
 */
const port = z.coerce.number().int().min(0).max(65535)
const optionalString = z.string().trim().min(1).optional()
const secretToken = z.string().min(16, 'must be at least 16 characters').optional()
/** Requests allowed per RATE_LIMIT_WINDOW_SECONDS. */
const rateLimit = z.coerce.number().int().min(1).max(1_000_000)

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (leave unset for the embedded database)')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUNCHGATE_ADMIN_TOKEN: secretToken,
  PUNCHGATE_STOREFRONT_TOKEN: secretToken,
  PUNCHGATE_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  START_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(300),
  ASSERTION_TTL_SECONDS: z.coerce.number().int().min(5).max(120).default(60),
  STOREFRONT_LOGIN_URL: z.url({ protocol: /^https?$/ }).optional(),
  STOREFRONT_AUDIENCE: optionalString,
  TRUST_PROXY: optionalString,
  CXML_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  CXML_PARSE_WORKERS: z.coerce.number().int().min(0).max(16).optional(),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  RETENTION_DEFAULT_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .refine((s) => s === 0 || (s >= 60 && s <= 604800), 'must be 0 (off) or 60–604800')
    .default(3600),
  METRICS_TOKEN: secretToken,
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  STOREFRONT_ORDER_URL: z.url({ protocol: /^https?$/ }).optional(),
  STOREFRONT_ORDER_TOKEN: secretToken,
  OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  OUTBOX_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('punchgate:'),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_PUNCHOUT_PER_CREDENTIAL: rateLimit.default(600),
  RATE_LIMIT_PUNCHOUT_PER_ADDRESS: rateLimit.default(1200),
  RATE_LIMIT_START_PER_ADDRESS: rateLimit.default(120),
  RATE_LIMIT_API_PER_ADDRESS: rateLimit.default(600),
  RATE_LIMIT_SIGN_IN_PER_ADDRESS: rateLimit.default(20),
}).refine((e) => e.METRICS_PORT === undefined || e.METRICS_PORT === 0 || e.METRICS_PORT !== e.PORT, {
  path: ['METRICS_PORT'],
  message: 'must differ from PORT',
})

export type Env = z.infer<typeof envSchema>

export interface Config {
  port: number
  host: string
  publicUrl: string
  databaseUrl?: string
  dataDir: string
  logLevel: Env['LOG_LEVEL']
  adminToken?: string
  storefrontToken?: string
  secretKey?: string
  startTokenTtlSeconds: number
  assertionTtlSeconds: number
  /** Where the browser goes with the identity assertion; default: the built-in storefront. */
  storefrontLoginUrl: string
  /** `aud` of assertions: the storefront's client id. */
  storefrontAudience: string
  trustProxy?: string
  cxmlBodyLimit: number
  /** Worker threads that parse cXML documents over 64 KiB; 0 parses them on the event loop. */
  cxmlParseWorkers: number
  /** Seconds a request (headers and body) may take to arrive before its connection is closed. */
  requestTimeoutSeconds: number
  /** Days raw payloads are kept for journal entries without a customer (customers set their own). */
  retentionDefaultDays: number
  /** Seconds between retention runs; 0: the server runs none (the CLI still can). */
  retentionIntervalSeconds: number
  /** Bearer token /metrics requires, when set. */
  metricsToken?: string
  /** A separate listener for /metrics, when set. */
  metricsPort?: number
  metricsHost: string
  /** Where accepted orders are posted (an external storefront); unset: the built-in storefront keeps them. */
  storefrontOrderUrl?: string
  /** Bearer token sent with each order to storefrontOrderUrl. */
  storefrontOrderToken?: string
  /** The outbox (docs/operations.md, "The outbox"): how often it looks for due deliveries, attempts per message, seconds per attempt. */
  outbox: { pollIntervalMs: number; maxAttempts: number; timeoutSeconds: number }
  /** Shared store of the rate-limit counters (several replicas); unset: counted per process. */
  redisUrl?: string
  redisKeyPrefix: string
  rateLimits: RateLimits
}

/** Requests allowed per window, per key (docs/operations.md, "Rate limits"). */
export interface RateLimits {
  enabled: boolean
  windowSeconds: number
  punchoutPerCredential: number
  punchoutPerAddress: number
  startPerAddress: number
  apiPerAddress: number
  signInPerAddress: number
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`))
  }
  const e = parsed.data
  const publicUrl = (e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/+$/, '')
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    adminToken: e.PUNCHGATE_ADMIN_TOKEN,
    storefrontToken: e.PUNCHGATE_STOREFRONT_TOKEN,
    secretKey: e.PUNCHGATE_SECRET_KEY,
    startTokenTtlSeconds: e.START_TOKEN_TTL_SECONDS,
    assertionTtlSeconds: e.ASSERTION_TTL_SECONDS,
    storefrontLoginUrl: e.STOREFRONT_LOGIN_URL ?? `${publicUrl}/shop/login`,
    storefrontAudience: e.STOREFRONT_AUDIENCE ?? 'punchgate-storefront',
    trustProxy: e.TRUST_PROXY,
    cxmlBodyLimit: e.CXML_BODY_LIMIT_BYTES,
    // One core stays with the event loop; beyond four, large documents are rarely that many at once.
    cxmlParseWorkers: e.CXML_PARSE_WORKERS ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
    retentionDefaultDays: e.RETENTION_DEFAULT_DAYS,
    retentionIntervalSeconds: e.RETENTION_INTERVAL_SECONDS,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    storefrontOrderUrl: e.STOREFRONT_ORDER_URL,
    storefrontOrderToken: e.STOREFRONT_ORDER_TOKEN,
    outbox: Object.freeze({ pollIntervalMs: e.OUTBOX_POLL_INTERVAL_MS, maxAttempts: e.OUTBOX_MAX_ATTEMPTS, timeoutSeconds: e.OUTBOX_TIMEOUT_SECONDS }),
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    rateLimits: Object.freeze({
      enabled: e.RATE_LIMITS === 'on',
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      punchoutPerCredential: e.RATE_LIMIT_PUNCHOUT_PER_CREDENTIAL,
      punchoutPerAddress: e.RATE_LIMIT_PUNCHOUT_PER_ADDRESS,
      startPerAddress: e.RATE_LIMIT_START_PER_ADDRESS,
      apiPerAddress: e.RATE_LIMIT_API_PER_ADDRESS,
      signInPerAddress: e.RATE_LIMIT_SIGN_IN_PER_ADDRESS,
    }),
  })
}
