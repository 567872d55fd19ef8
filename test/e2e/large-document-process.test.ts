/**
 * A gateway process as `npm run serve` starts it (`node --import tsx src/server.ts`) parses a large
 * OrderRequest on its worker thread (docs/cxml.md, "Large documents"): the worker must load the
 * TypeScript sources itself, which only a real process shows — the suite's own loader differs.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { freePort, spawnNode, waitReady } from '../../bench/processes.ts'
import { usingPostgres } from '../helpers/app.ts'
import { cxmlAnswer } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'

const ADMIN_TOKEN = `large_admin_${randomBytes(12).toString('hex')}`

// The worker's loading does not depend on the database: the embedded suite runs it.
t.test('a gateway process accepts an OrderRequest over 64 KiB, parsed on its worker thread', { skip: usingPostgres() && 'embedded suite only (without TEST_DATABASE_URL)' }, async (t) => {
  const port = await freePort()
  const gateway = spawnNode('gateway', `http://127.0.0.1:${port}`, ['--import', 'tsx', 'src/server.ts'], {
    PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: 'https://punchout.test', LOG_LEVEL: 'warn', DATA_DIR: 'memory://',
    PUNCHGATE_SECRET_KEY: 'large-doc-secret-key-0123456789abcdef-012345', PUNCHGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    RATE_LIMITS: 'off', RETENTION_INTERVAL_SECONDS: '0', CXML_PARSE_WORKERS: '1',
  })
  t.teardown(() => gateway.stop())
  await waitReady(gateway, '/readyz')
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${url}`, {
      method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}),
    })
    return { status: res.status, json: (await res.json()) as Record<string, unknown> }
  }
  const customer = await api('POST', '/api/customers', { name: 'Large Documents', slug: 'large-documents', returnUrlHosts: ['buyer.example.com'] })
  t.equal(customer.status, 201)
  const credential = await api('POST', `/api/customers/${customer.json.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  t.equal(credential.status, 201)

  const lines = Array.from({ length: 1000 }, (_, i) => ({ sku: `SKU-${i}`, quantity: '1', unitPrice: '1.00' }))
  const body = orderRequest({ payloadID: 'large-process@buyer', orderID: 'PO-LARGE-PROCESS', total: '1000.00', lines })
  t.ok(body.length > 64 * 1024, 'over the size parsed with its Header')
  const res = await fetch(`${gateway.url}/punchout/cxml`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body })
  t.equal(cxmlAnswer(await res.text()).code, 200)
  const orders = await api('GET', `/api/orders?customerId=${customer.json.id}`)
  t.equal(orders.status, 200)
  t.match(JSON.stringify(orders.json), /PO-LARGE-PROCESS/)
})
