/**
 * Security plan G4 `kill-9-during-write`, G5 `kill-9-pglite` and G9 `sigterm-graceful`
 * (docs/security.md), on gateway processes. G4/G5: a gateway is killed with SIGKILL at a random
 * point of a stream of 200 OrderRequests, then started again on the same database. Every
 * OrderRequest that got an answer has exactly one order and a journal row; no order exists
 * without its journal row. G4 runs on PostgreSQL (the PostgreSQL suite), G5 and G9 on an embedded
 * PGlite data folder (the embedded suite).
 */
import { PGlite } from '@electric-sql/pglite'
import { randomBytes, randomInt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import t, { type Test } from 'tap'
import { freePort, spawnNode, waitReady, type Child } from '../../bench/processes.ts'
import { usingPostgres } from '../helpers/app.ts'
import { cxmlAnswer, setupRequest } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'

const ADMIN_TOKEN = `kill9_admin_${randomBytes(12).toString('hex')}`
const ORDERS = 200
const CONCURRENCY = 6

type Rows = (sql: string) => Promise<Array<Record<string, unknown>>>

async function spawnGateway(name: string, env: Record<string, string>): Promise<Child> {
  const port = await freePort()
  const child = spawnNode(name, `http://127.0.0.1:${port}`, ['--import', 'tsx', 'src/server.ts'], {
    ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: 'https://punchout.test', LOG_LEVEL: 'warn',
    PUNCHGATE_SECRET_KEY: 'kill9-secret-key-0123456789abcdef-0123456789', PUNCHGATE_ADMIN_TOKEN: ADMIN_TOKEN,
    RATE_LIMITS: 'off', RETENTION_INTERVAL_SECONDS: '0',
  })
  await waitReady(child, '/readyz')
  return child
}

async function api(gateway: Child, url: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${gateway.url}${url}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status !== 201) throw new Error(`${url}: ${res.status} ${await res.text()}`)
  return (await res.json()) as { id: string }
}

/** Sends the OrderRequests until the process dies; the payloadIDs answered 200 are the acknowledged ones. */
async function ordersUntilKilled(gateway: Child): Promise<{ acknowledged: string[]; killedAfter: number }> {
  const killAt = randomInt(20, ORDERS - 20)
  const acknowledged: string[] = []
  let next = 0
  let answered = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < ORDERS) {
      const payloadID = `kill9-${next}@buyer`
      const orderID = `PO-KILL9-${next++}`
      try {
        const res = await fetch(`${gateway.url}/punchout/cxml`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: orderRequest({ payloadID, orderID }) })
        const body = await res.text()
        if (res.status === 200 && cxmlAnswer(body).code === 200) acknowledged.push(payloadID)
      } catch {
        return
      }
      if (++answered === killAt) gateway.proc.kill('SIGKILL')
    }
  }))
  await gateway.exited
  return { acknowledged, killedAfter: killAt }
}

async function killAndCheck(t: Test, env: Record<string, string>, rowsAfter: (restarted: Child) => Promise<Rows>): Promise<void> {
  const first = await spawnGateway('gateway', env)
  t.teardown(() => first.stop('SIGKILL'))
  const customer = await api(first, '/api/customers', { name: 'Kill Nine', slug: 'kill-nine', returnUrlHosts: ['buyer.example.com'] })
  await api(first, `/api/customers/${customer.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const { acknowledged, killedAfter } = await ordersUntilKilled(first)
  t.ok(acknowledged.length > 0, `${acknowledged.length} acknowledged before SIGKILL (after ${killedAfter} answers)`)

  const second = await spawnGateway('gateway-restarted', env)
  t.teardown(() => second.stop())
  t.equal((await fetch(`${second.url}/healthz`)).status, 200, 'the restarted gateway answers')
  const rows = await rowsAfter(second)
  const orders = await rows(`select payload_id, count(*)::int as n from orders where payload_id like 'kill9-%' group by payload_id`)
  const perPayload = new Map(orders.map((r) => [String(r.payload_id), Number(r.n)]))
  t.same(acknowledged.filter((p) => perPayload.get(p) !== 1), [], 'every acknowledged payloadID has exactly one order')
  t.same([...perPayload.values()].filter((n) => n !== 1), [], 'no payloadID has two orders')
  const journaled = new Set((await rows(`select distinct payload_id from journal_entries where payload_id like 'kill9-%' and http_status = 200`)).map((r) => String(r.payload_id)))
  t.same(acknowledged.filter((p) => !journaled.has(p)), [], 'every acknowledged request is in the journal')
  const orphans = await rows('select count(*)::int as n from orders o where o.journal_entry_id is null or not exists (select 1 from journal_entries j where j.id = o.journal_entry_id)')
  t.equal(Number(orphans[0]!.n), 0, 'no order without its journal row')
}

t.test('G4 kill-9-during-write: SIGKILL amid 200 OrderRequests on PostgreSQL loses nothing acknowledged', { skip: !usingPostgres() && 'PostgreSQL only (TEST_DATABASE_URL)' }, async (t) => {
  const server = process.env.TEST_DATABASE_URL!
  const name = `punchgate_kill9_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`create database ${name}`)
  t.teardown(async () => {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  })
  const url = new URL(server)
  url.pathname = `/${name}`
  await killAndCheck(t, { DATABASE_URL: url.href }, async () => {
    const client = new pg.Client({ connectionString: url.href })
    await client.connect()
    t.teardown(() => client.end())
    return async (sql) => (await client.query(sql)).rows
  })
})

t.test('G5 kill-9-pglite: SIGKILL amid 200 OrderRequests on an embedded data folder loses nothing acknowledged', { skip: usingPostgres() && 'embedded suite only (without TEST_DATABASE_URL)' }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-kill9-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  await killAndCheck(t, { DATA_DIR: dataDir }, async (restarted) => {
    await restarted.stop()
    return pgliteRows(t, dataDir)
  })
})

/** The data folder belongs to one process: read it only once its gateway has exited. */
function pgliteRows(t: Test, dataDir: string): Rows {
  const db = new PGlite(path.join(dataDir, 'pglite'))
  t.teardown(() => db.close())
  return async (sql) => (await db.query<Record<string, unknown>>(sql)).rows
}

t.test('G9 sigterm-graceful: SIGTERM amid a stream of setups exits 0; every setup answered 200 is journaled', { skip: usingPostgres() && 'embedded suite only (without TEST_DATABASE_URL)' }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-sigterm-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const gateway = await spawnGateway('gateway', { DATA_DIR: dataDir })
  t.teardown(() => gateway.stop('SIGKILL'))
  const customer = await api(gateway, '/api/customers', { name: 'Sig Term', slug: 'sig-term', returnUrlHosts: ['buyer.example.com'] })
  await api(gateway, `/api/customers/${customer.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const answers = new Map<string, number>()
  let next = 0
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    for (;;) {
      const payloadID = `sigterm-${next++}@buyer`
      try {
        const res = await fetch(`${gateway.url}/punchout/cxml`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: setupRequest({ payloadID }) })
        answers.set(payloadID, cxmlAnswer(await res.text()).code)
      } catch {
        return
      }
      if (answers.size === 40) gateway.proc.kill('SIGTERM')
    }
  }))
  t.equal(await gateway.exited, 0, 'exit code 0: closed, not killed')
  const codes = [...answers.values()]
  t.same(codes.filter((c) => c !== 200 && c !== 503), [], 'answered 200, or 503 while closing')
  const journaled = new Set((await pgliteRows(t, dataDir)(`select payload_id from journal_entries where payload_id like 'sigterm-%' and http_status = 200`)).map((r) => String(r.payload_id)))
  const acknowledged = [...answers].filter(([, code]) => code === 200).map(([p]) => p)
  t.ok(acknowledged.length >= 40)
  t.same(acknowledged.filter((p) => !journaled.has(p)), [], 'every setup answered 200 is in the journal')
})
