import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'
import pg from 'pg'
import pino from 'pino'
import { loadConfig, type Config } from '../../src/config/index.ts'
import { buildApp, type App } from '../../src/http/app.ts'
import { MEMORY } from '../../src/persistence/database.ts'
import { REDACT_PATHS, loggerOptions } from '../../src/http/logging.ts'

/** tap's `t`, as far as the helpers need it. */
export interface TestLike {
  teardown(fn: () => unknown): void
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef'
export const STOREFRONT_TOKEN = 'test-storefront-token-0123456789ab'
export const PUBLIC_URL = 'https://gateway.test'

export interface TestApp extends App {
  /** Every log line the app wrote, as JSON text (secret checks grep these). */
  logs: string[]
  clock: { now: Date; advance(seconds: number): void }
}

/**
 * A fresh gateway per test file: an in-memory PGlite by default, or — when TEST_DATABASE_URL
 * names a PostgreSQL server — a database created for this app and dropped afterwards, so runs
 * never see each other's data. The real migrations run either way.
 */
export async function buildTestApp(t: TestLike, env: Record<string, string> = {}, options: { demo?: boolean } = {}): Promise<TestApp> {
  const database = await testDatabase()
  const config: Config = loadConfig({
    PUBLIC_URL,
    DATA_DIR: MEMORY,
    LOG_LEVEL: 'info',
    PUNCHGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    PUNCHGATE_STOREFRONT_TOKEN: STOREFRONT_TOKEN,
    PUNCHGATE_SECRET_KEY: 'test-secret-key-0123456789abcdef-0123456789',
    ...(database ? { DATABASE_URL: database.url } : {}),
    // Rate limits have tests of their own (test/http/rate-limit.test.ts); elsewhere they would tie tests to request counts.
    RATE_LIMITS: 'off',
    ...env,
  })
  const logs: string[] = []
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean))
      done()
    },
  })
  const clock = {
    now: new Date('2026-11-23T10:00:00.000Z'),
    advance(seconds: number) {
      this.now = new Date(this.now.getTime() + seconds * 1000)
    },
  }
  // The production request serializer too: it redacts start links and OCI passwords in URLs.
  const { serializers } = loggerOptions({ logLevel: 'info' }) as { serializers: pino.LoggerOptions['serializers'] }
  const loggerInstance = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '***' }, serializers }, sink)
  const built = await buildApp(config, { now: () => clock.now, loggerInstance, ...options })
  t.teardown(async () => {
    await built.app.close()
    await database?.drop()
  })
  return { ...built, logs, clock }
}

async function testDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const server = process.env.TEST_DATABASE_URL
  if (!server) return undefined
  const name = `punchgate_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.href,
    async drop() {
      const c = new pg.Client({ connectionString: server })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

export const usingPostgres = () => Boolean(process.env.TEST_DATABASE_URL)
