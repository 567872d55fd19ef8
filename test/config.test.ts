import t from 'tap'
import { ConfigError, loadConfig } from '../src/config/index.ts'

t.test('defaults make a working embedded configuration', async (t) => {
  const config = loadConfig({})
  t.match(config, { port: 3000, host: '127.0.0.1', dataDir: './data', publicUrl: 'http://127.0.0.1:3000', startTokenTtlSeconds: 300 })
  t.equal(config.databaseUrl, undefined)
  t.equal(config.storefrontLoginUrl, 'http://127.0.0.1:3000/shop/login')
  t.ok(Object.isFrozen(config))
})

t.test('PUBLIC_URL is the base of every URL handed out', async (t) => {
  t.equal(loadConfig({ PUBLIC_URL: 'https://punchout.example.com/' }).publicUrl, 'https://punchout.example.com')
})

t.test('a wrong value stops start-up naming the variable', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ PUNCHGATE_ADMIN_TOKEN: 'short' }, /PUNCHGATE_ADMIN_TOKEN: must be at least 16/],
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), ConfigError)
    t.throws(() => loadConfig(env), { message })
  }
})

t.test('retention and metrics settings', async (t) => {
  t.match(loadConfig({}), { retentionDefaultDays: 90, retentionIntervalSeconds: 3600, metricsHost: '127.0.0.1', metricsToken: undefined, metricsPort: undefined })
  t.match(loadConfig({ RETENTION_INTERVAL_SECONDS: '0', METRICS_PORT: '9464' }), { retentionIntervalSeconds: 0, metricsPort: 9464 })
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ RETENTION_DEFAULT_DAYS: '0' }, /RETENTION_DEFAULT_DAYS/],
    [{ RETENTION_DEFAULT_DAYS: '3651' }, /RETENTION_DEFAULT_DAYS/],
    [{ RETENTION_INTERVAL_SECONDS: '30' }, /RETENTION_INTERVAL_SECONDS: must be 0 \(off\) or 60–604800/],
    [{ METRICS_TOKEN: 'short' }, /METRICS_TOKEN: must be at least 16/],
    [{ PORT: '3100', METRICS_PORT: '3100' }, /METRICS_PORT: must differ from PORT/],
  ]
  for (const [env, message] of cases) t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env))
})

t.test('the outbox and the external storefront\'s order URL', async (t) => {
  t.match(loadConfig({}), { storefrontOrderUrl: undefined, storefrontOrderToken: undefined, outbox: { pollIntervalMs: 2000, maxAttempts: 12, timeoutSeconds: 15 } })
  t.match(loadConfig({ STOREFRONT_ORDER_URL: 'https://shop.example.com/orders', OUTBOX_MAX_ATTEMPTS: '3' }), { storefrontOrderUrl: 'https://shop.example.com/orders', outbox: { maxAttempts: 3 } })
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ STOREFRONT_ORDER_URL: 'ftp://shop.example.com/' }, /STOREFRONT_ORDER_URL/],
    [{ STOREFRONT_ORDER_TOKEN: 'short' }, /STOREFRONT_ORDER_TOKEN: must be at least 16/],
    [{ OUTBOX_POLL_INTERVAL_MS: '5' }, /OUTBOX_POLL_INTERVAL_MS/],
    [{ OUTBOX_MAX_ATTEMPTS: '0' }, /OUTBOX_MAX_ATTEMPTS/],
    [{ OUTBOX_TIMEOUT_SECONDS: '301' }, /OUTBOX_TIMEOUT_SECONDS/],
  ]
  for (const [env, message] of cases) t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env))
})
