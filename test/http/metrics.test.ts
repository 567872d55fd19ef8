import type { AddressInfo } from 'node:net'
import t from 'tap'
import { JournalEntry } from '../../src/persistence/entities/index.ts'
import { ADMIN_TOKEN, buildTestApp, usingPostgres, type TestApp } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'

const METRICS_TOKEN = 'metrics-token-0123456789abcdef'
const scrapeHeaders = { authorization: `Bearer ${METRICS_TOKEN}` }

const scrape = async (app: TestApp): Promise<string> => {
  const res = await app.app.inject({ method: 'GET', url: '/metrics', headers: scrapeHeaders })
  if (res.statusCode !== 200) throw new Error(`scrape: ${res.statusCode} ${res.body}`)
  return res.body
}

/** The value of one sample, labels in the order prom-client writes them; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const rendered = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')
  const line = text.split('\n').find((l) => l.startsWith(rendered ? `${name}{${rendered}} ` : `${name} `))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

t.test('without METRICS_TOKEN or METRICS_PORT there is no /metrics', async (t) => {
  const app = await buildTestApp(t)
  const res = await app.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 404)
})

t.test('with METRICS_TOKEN, /metrics on the main port', async (t) => {
  const app = await buildTestApp(t, { METRICS_TOKEN })
  const customer = await createCustomer(app.app)
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })

  t.test('requires the bearer token', async (t) => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789abcdef' }, { authorization: METRICS_TOKEN }]) {
      const res = await app.app.inject({ method: 'GET', url: '/metrics', headers })
      t.equal(res.statusCode, 401, JSON.stringify(headers))
      t.equal(res.json().code, 'PG_ERR_API_UNAUTHORIZED')
    }
    const res = await app.app.inject({ method: 'GET', url: '/metrics', headers: scrapeHeaders })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  })

  t.test('a setup counts under its protocol, operation and outcome', async (t) => {
    const labels = { protocol: 'cxml', operation: 'edit', outcome: 'ok', failure_code: '' }
    t.equal(sample(await scrape(app), 'punchgate_sessions_total', labels), undefined)
    const res = await postCxml(app.app, setupRequest({ operation: 'edit' }))
    t.equal(cxmlAnswer(res.body).code, 200)
    t.equal(sample(await scrape(app), 'punchgate_sessions_total', labels), 1)
    t.equal(sample(await scrape(app), 'punchgate_sessions_total', { ...labels, operation: 'create' }), undefined)
  })

  t.test('a refused setup counts its failure code', async (t) => {
    await postCxml(app.app, setupRequest({ browserFormPost: 'https://evil.example.net/return' }))
    await postCxml(app.app, setupRequest({ secret: 'wrong' }))
    const text = await scrape(app)
    t.equal(sample(text, 'punchgate_sessions_total', { protocol: 'cxml', operation: 'create', outcome: 'refused', failure_code: 'PG_ERR_RETURN_URL_REFUSED' }), 1, 'refused on its session')
    t.equal(sample(text, 'punchgate_sessions_total', { protocol: 'cxml', operation: 'unknown', outcome: 'refused', failure_code: 'PG_ERR_AUTH_BAD_SECRET' }), 1, 'refused before a session existed')
  })

  t.test('an OCI login counts under protocol oci', async (t) => {
    await app.app.inject({ method: 'GET', url: '/punchout/oci?USERNAME=nobody&PASSWORD=pw' })
    t.equal(sample(await scrape(app), 'punchgate_sessions_total', { protocol: 'oci', operation: 'unknown', outcome: 'refused', failure_code: 'PG_ERR_AUTH_BAD_SECRET' }), 1)
  })

  t.test('request durations are per route pattern, never per URL', async (t) => {
    const start = new URL(cxmlAnswer((await postCxml(app.app, setupRequest())).body).startPage!).pathname
    const token = start.split('/').pop()!
    t.equal((await app.app.inject({ method: 'GET', url: start })).statusCode, 302)
    const text = await scrape(app)
    t.equal(sample(text, 'punchgate_http_request_duration_seconds_count', { route: '/punchout/start/:token', method: 'GET', status_class: '3xx' }), 1)
    t.ok(sample(text, 'punchgate_http_request_duration_seconds_bucket', { le: '+Inf', route: '/punchout/cxml', method: 'POST', status_class: '2xx' })! >= 2)
    t.notMatch(text, token, 'no start link in a label')
  })

  t.test('the database pool, and the process', async (t) => {
    const text = await scrape(app)
    t.equal(sample(text, 'punchgate_db_pool_max_connections'), usingPostgres() ? 10 : 1)
    t.ok(sample(text, 'punchgate_db_pool_connections', { state: 'free' })! >= 0)
    t.equal(sample(text, 'punchgate_db_pool_pending_acquires'), 0)
    t.ok(sample(text, 'process_cpu_user_seconds_total')! > 0)
  })

  t.test('scrapes are not journaled and not in the OpenAPI document', async (t) => {
    const journaled = await app.db.orm.em.fork().count(JournalEntry, { path: { $like: '/metrics%' } })
    t.equal(journaled, 0)
    const doc = await app.app.inject({ method: 'GET', url: '/docs/json', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    t.notOk('/metrics' in doc.json().paths)
  })
})

t.test('with METRICS_PORT, /metrics is on its own listener only', async (t) => {
  const app = await buildTestApp(t, { METRICS_PORT: '0', METRICS_TOKEN })
  t.equal((await app.app.inject({ method: 'GET', url: '/metrics', headers: scrapeHeaders })).statusCode, 404, 'not on the main port')
  const listener = app.metricsListener!
  await listener.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(listener.server.address() as AddressInfo).port}/metrics`
  t.equal((await fetch(url)).status, 401, 'the token still applies')
  const res = await fetch(url, { headers: scrapeHeaders })
  t.equal(res.status, 200)
  t.match(await res.text(), /# TYPE punchgate_sessions_total counter/)
  await app.app.close()
  await t.rejects(fetch(url), 'closing the app closes the listener')
})
