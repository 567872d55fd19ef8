/**
 * `--soak-hostile [SECONDS]`: good and hostile traffic at once, for SECONDS (default 300), then
 * four answers (bench/README.md, "Hostile soak"):
 *
 * - errors: every 5xx by route and kind of request, and connection errors and timeouts;
 * - event-loop lag of the gateway: prom-client's nodejs_eventloop_lag_* from its own /metrics,
 *   scraped every 5 s (each scrape covers the 5 s since the one before), and the latency of
 *   /healthz as the bench sees it every 500 ms;
 * - memory: the gateway's RSS every 15 s and the verdict of `--soak`;
 * - the journal: after the gateway has stopped, the rows written since the load began, per
 *   channel, against the answers the bench received, and every answered payloadID looked up.
 *   Anything answered and missing from the journal fails the run, as does any 5xx.
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import autocannon from 'autocannon'
import pg from 'pg'
import type { BenchDatabase } from './database.ts'
import { KNOWN_BUYER, cartBody, ociPath, orderBody, setupBody, startTokenOf } from './fixture.ts'
import type { Harness } from './harness.ts'
import { hostileInputs } from './hostile.ts'
import { MAX_CART_LINES, largeTraffic } from './large.ts'
import { settle } from './processes.ts'
import { machineInfo, printComplaints, printHeader, writeResults } from './report.ts'
import type { Options } from './run.ts'
import type { BenchContext } from './scenarios.ts'
import { printRssVerdict, sampleRssEvery } from './soak.ts'

export const METRICS_TOKEN = `bench_metrics_${randomBytes(18).toString('base64url')}`

/** The gateway's default CXML_BODY_LIMIT_BYTES: the hostile bodies are sized around it. */
const CXML_LIMIT = 4 * 1024 * 1024
const HOSTILE_CONNECTIONS = 4
/** Good traffic, by weight: mostly setups, then start links and carts, some OCI and orders. */
const GOOD_MIX = ['setup', 'start', 'setup', 'cart', 'oci', 'setup', 'start', 'cart', 'order', 'setup'] as const
type GoodKind = (typeof GOOD_MIX)[number]
const CHANNEL: Record<GoodKind, string> = { setup: 'cxml', order: 'cxml', start: 'start', cart: 'cart', oci: 'oci' }

/** What the bench received, per kind of request. */
class Tally {
  readonly statuses = new Map<string, Map<number, number>>()
  readonly answeredByChannel = new Map<string, number>()
  readonly payloadIds: string[] = []

  note(kind: string, channel: string, status: number, payloadId?: string): void {
    const byStatus = this.statuses.get(kind) ?? new Map<number, number>()
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    this.statuses.set(kind, byStatus)
    this.answeredByChannel.set(channel, (this.answeredByChannel.get(channel) ?? 0) + 1)
    if (payloadId) this.payloadIds.push(payloadId)
  }

  serverErrors(): Array<[string, number]> {
    return [...this.statuses].flatMap(([kind, s]) => [...s].filter(([status]) => status >= 500).map(([status, n]): [string, number] => [`${kind} ${status}`, n]))
  }
}

/** What a connection remembers between building a request and reading its answer. */
interface Ctx {
  kind?: string
  channel?: string
  payloadId?: string
}

function goodTraffic(ctx: BenchContext, tally: Tally, seconds: number, connections: number): autocannon.Instance {
  let n = 0
  const tokens: string[] = []
  const xml = { 'content-type': 'text/xml; charset=utf-8' }
  return autocannon({
    url: ctx.gateway.url, connections, duration: seconds, timeout: 30,
    requests: [{
      setupRequest: (req, shared): autocannon.Request => {
        const context = shared as Ctx
        const i = ++n
        let kind: GoodKind = GOOD_MIX[i % GOOD_MIX.length]!
        // No start link minted yet: a setup instead (which mints one).
        if (kind === 'start' && tokens.length === 0) kind = 'setup'
        Object.assign(context, { kind, channel: CHANNEL[kind], payloadId: undefined })
        switch (kind) {
          case 'setup': {
            context.payloadId = `soak.${ctx.runId}.${i}@buyer.example.com`
            return { ...req, method: 'POST', path: '/punchout/cxml', headers: xml, body: setupBody(ctx.fx, KNOWN_BUYER, context.payloadId) }
          }
          case 'order':
            context.payloadId = `soak.${ctx.runId}.${i}@buyer.example.com`
            return { ...req, method: 'POST', path: '/punchout/cxml', headers: xml, body: orderBody(ctx.fx, `soak.${ctx.runId}.${i}`) }
          case 'start':
            return { ...req, method: 'GET', path: `/punchout/start/${tokens.shift()}`, headers: {}, body: undefined }
          case 'cart':
            return {
              ...req, method: 'POST', path: `/punchout/sessions/${ctx.cartSessions[i % ctx.cartSessions.length]}/cart`, body: cartBody(5),
              headers: { authorization: `Bearer ${ctx.storefrontToken}`, 'content-type': 'application/json', accept: 'application/json' },
            }
          case 'oci':
            return { ...req, method: 'GET', path: ociPath(ctx.fx), headers: {}, body: undefined }
        }
      },
      onResponse: (status, body, shared) => {
        const context = shared as Ctx
        tally.note(context.kind!, context.channel!, status, context.payloadId)
        const token = context.kind === 'setup' && status === 200 ? startTokenOf(body) : undefined
        // Start links are spent as fast as they come; a backlog is capped (the rest expire unused).
        if (token && tokens.length < 1000) tokens.push(token)
      },
    }],
  })
}

/**
 * The hostile inputs in turn until `seconds` have passed, each as a short load of its own on
 * HOSTILE_CONNECTIONS connections: every answer is then exactly the answer to that input. Each
 * request has a connection of its own (`Connection: close`): the gateway answers a body over the
 * limit (413) before reading it, and the rest must not be taken for the next request.
 */
async function hostileTraffic(ctx: BenchContext, tally: Tally, seconds: number): Promise<{ errors: number; timeouts: number }> {
  const inputs = hostileInputs(CXML_LIMIT)
  const deadline = Date.now() + seconds * 1000
  let errors = 0
  let timeouts = 0
  for (let i = 0; Date.now() < deadline; i++) {
    const input = inputs[i % inputs.length]!
    const channel = input.path === '/punchout/oci' ? 'oci' : 'cxml'
    const instance = autocannon({
      url: ctx.gateway.url, connections: HOSTILE_CONNECTIONS, amount: HOSTILE_CONNECTIONS * 2, timeout: 30,
      requests: [{ method: input.method, path: input.path, headers: { 'content-type': input.contentType, connection: 'close' }, body: input.body }],
    })
    instance.on('response', (_client, status) => tally.note(`hostile ${input.name}`, channel, status))
    const result = await instance
    errors += result.errors
    timeouts += result.timeouts
  }
  return { errors, timeouts }
}

interface LagWindow {
  t: number
  p50: number
  p99: number
  max: number
}

/** The gateway's event-loop lag, from its /metrics every 5 s (prom-client resets it per scrape). */
function scrapeLag(url: string, t0: number): { windows: LagWindow[]; stop(): void } {
  const windows: LagWindow[] = []
  const scrape = async () => {
    try {
      const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text()
      const value = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]) * 1000
      windows.push({ t: Math.round((Date.now() - t0) / 1000), p50: value('p50'), p99: value('p99'), max: value('max') })
    } catch {
      // A scrape that fails is a gap in the series, not a result.
    }
  }
  const timer = setInterval(() => void scrape(), 5000)
  return { windows, stop: () => clearInterval(timer) }
}

/** /healthz latency as the bench sees it, every 500 ms: the gateway's responsiveness from outside. */
function probeHealth(url: string): { latencies: number[]; stop(): void } {
  const latencies: number[] = []
  const timer = setInterval(() => {
    const t = performance.now()
    fetch(`${url}/healthz`).then((r) => r.text()).then(() => latencies.push(performance.now() - t), () => latencies.push(Infinity))
  }, 500)
  return { latencies, stop: () => clearInterval(timer) }
}

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN
}

/** The journal rows written since `since`, per channel, and their payloadIDs (the gateway stopped first). */
async function journalSince(db: BenchDatabase, since: Date): Promise<{ byChannel: Map<string, number>; payloadIds: Set<string> }> {
  const sql = 'select channel, payload_id from journal_entries where at >= $1'
  let rows: Array<{ channel: string; payload_id: string | null }>
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.gatewayEnv.DATABASE_URL })
    await client.connect()
    try {
      rows = (await client.query(sql, [since])).rows
    } finally {
      await client.end()
    }
  } else {
    const pglite = new PGlite(path.join(db.gatewayEnv.DATA_DIR!, 'pglite'))
    try {
      rows = (await pglite.query<{ channel: string; payload_id: string | null }>(sql, [since])).rows
    } finally {
      await pglite.close()
    }
  }
  const byChannel = new Map<string, number>()
  for (const r of rows) byChannel.set(r.channel, (byChannel.get(r.channel) ?? 0) + 1)
  return { byChannel, payloadIds: new Set(rows.flatMap((r) => (r.payload_id ? [r.payload_id] : []))) }
}

const ms = (x: number) => `${x.toFixed(1)} ms`

export async function runHostileSoak({ db, ctx }: Harness, o: Options): Promise<number> {
  const machine = machineInfo(db.label)
  const hostile = hostileInputs(CXML_LIMIT)
  printHeader(machine, `hostile soak: ${o.soakSeconds} s; good traffic on ${o.connections} connections (${GOOD_MIX.join(', ')}), `
    + `${hostile.length} hostile inputs in turn, ${HOSTILE_CONNECTIONS * 2} of each on ${HOSTILE_CONNECTIONS}; the largest order (~${CXML_LIMIT / 1024 / 1024} MiB) `
    + `and cart (${MAX_CART_LINES} lines) in turn, one a second; lag every 5 s, RSS every 15 s`)
  const tally = new Tally()
  const since = new Date()
  const t0 = Date.now()
  const rss = sampleRssEvery(ctx.gateway.pid, t0)
  const lag = scrapeLag(ctx.gateway.url, t0)
  const health = probeHealth(ctx.gateway.url)
  const [good, bad, large] = await Promise.all([
    goodTraffic(ctx, tally, o.soakSeconds, o.connections), hostileTraffic(ctx, tally, o.soakSeconds), largeTraffic(ctx, tally, o.soakSeconds, CXML_LIMIT),
  ])
  rss.stop()
  lag.stop()
  health.stop()
  if (ctx.gateway.proc.exitCode !== null || ctx.gateway.proc.signalCode !== null) throw new Error(`the gateway died during the soak:\n${ctx.gateway.tail()}`)
  // Requests autocannon dropped at the end are still being worked off: let them finish, then stop
  // the gateway (SIGTERM: it closes its database) before its journal is read.
  await settle([ctx.gateway.pid])
  await ctx.gateway.stop()
  const journal = await journalSince(db, since)

  console.log('\nanswers by kind of request:')
  for (const [kind, statuses] of [...tally.statuses].sort()) console.log(`  ${kind.padEnd(60)} ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(' ')}`)
  const serverErrors = tally.serverErrors()
  console.log(`\n5xx answers: ${serverErrors.length ? serverErrors.map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'}`)
  console.log(`connection errors / timeouts: good ${good.errors} / ${good.timeouts}, hostile ${bad.errors} / ${bad.timeouts}, largest ${large.errors} / ${large.timeouts}`)
  console.log(`small requests' latency (the good mix, while the largest documents run): p50 ${ms(good.latency.p50)}, p99 ${ms(good.latency.p99)}, max ${ms(good.latency.max)}`)

  const windows = lag.windows.filter((w) => Number.isFinite(w.max))
  const lagSummary = windows.length
    ? { p50: quantile(windows.map((w) => w.p50), 0.5), p99: Math.max(...windows.map((w) => w.p99)), max: Math.max(...windows.map((w) => w.max)) }
    : undefined
  console.log(lagSummary
    ? `event-loop lag (gateway, ${windows.length} windows of 5 s): p50 ${ms(lagSummary.p50)} (median window), p99 ${ms(lagSummary.p99)} (worst window), max ${ms(lagSummary.max)}`
    : 'event-loop lag: no scrape of /metrics succeeded')
  const h = health.latencies
  console.log(`/healthz latency seen by the bench (${h.length} probes): p50 ${ms(quantile(h, 0.5))}, p99 ${ms(quantile(h, 0.99))}, max ${ms(Math.max(...h))}`)
  const { stable, trend } = printRssVerdict(rss.samples)

  let missing = 0
  console.log('\njournal rows since the load began, against answers received:')
  for (const [channel, answered] of [...tally.answeredByChannel].sort()) {
    const rows = journal.byChannel.get(channel) ?? 0
    missing += Math.max(0, answered - rows)
    console.log(`  ${channel.padEnd(6)} answered ${answered}, journaled ${rows}${answered > rows ? ` — ${answered - rows} MISSING` : ''}`)
  }
  const lost = tally.payloadIds.filter((id) => !journal.payloadIds.has(id))
  missing = Math.max(missing, lost.length)
  console.log(`  payloadIDs of answered setups and orders: ${tally.payloadIds.length}, not in the journal: ${lost.length}${lost.length ? ` (e.g. ${lost.slice(0, 3).join(', ')})` : ''}`)
  console.log(`answered requests missing from the journal: ${missing}`)
  printComplaints(ctx.gateway.complaints)

  const file = writeResults(`soak-hostile-${db.kind}`, {
    ...machine, options: o,
    statuses: Object.fromEntries([...tally.statuses].map(([k, s]) => [k, Object.fromEntries(s)])),
    serverErrors, connectionErrors: { good: good.errors, hostile: bad.errors, large: large.errors }, timeouts: { good: good.timeouts, hostile: bad.timeouts, large: large.timeouts },
    smallRequestsMs: good.latency,
    eventLoopLagMs: { summary: lagSummary, windows }, healthzMs: { p50: quantile(h, 0.5), p99: quantile(h, 0.99), max: Math.max(...h) },
    rss: { samples: rss.samples, stable, trend },
    journal: { answered: Object.fromEntries(tally.answeredByChannel), journaled: Object.fromEntries(journal.byChannel), missing, lostPayloadIds: lost.slice(0, 100) },
    gatewayLog: Object.fromEntries(ctx.gateway.complaints),
  })
  console.log(`\nresults: ${file}`)
  return serverErrors.length || missing ? 1 : 0
}
