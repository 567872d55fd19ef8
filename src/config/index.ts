import { z } from 'zod'

/**
 * Configuration comes from the environment, is parsed once at start-up, and is frozen.
 * A wrong value stops start-up with a message naming the variable (see ConfigError).
 */
const port = z.coerce.number().int().min(0).max(65535)
const optionalString = z.string().trim().min(1).optional()
const secretToken = z.string().min(16, 'must be at least 16 characters').optional()

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
  RETENTION_DEFAULT_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RETENTION_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .refine((s) => s === 0 || (s >= 60 && s <= 604800), 'must be 0 (off) or 60–604800')
    .default(3600),
  METRICS_TOKEN: secretToken,
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
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
  /** Days raw payloads are kept for journal entries without a customer (customers set their own). */
  retentionDefaultDays: number
  /** Seconds between retention runs; 0: the server runs none (the CLI still can). */
  retentionIntervalSeconds: number
  /** Bearer token /metrics requires, when set. */
  metricsToken?: string
  /** A separate listener for /metrics, when set. */
  metricsPort?: number
  metricsHost: string
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
    retentionDefaultDays: e.RETENTION_DEFAULT_DAYS,
    retentionIntervalSeconds: e.RETENTION_INTERVAL_SECONDS,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
  })
}
