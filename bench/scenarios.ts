/**
 * What is measured. Each scenario is one autocannon load against the floor or the gateway; a
 * round runs them all, floor and gateway alternating, so a drift of the machine (another job, a
 * thermal limit) hits both sides of a ratio alike.
 *
 * Measured loads send a fixed number of requests (`amount`) sized for about the wanted seconds
 * at the scenario's last measured rate, rather than running for a fixed time: at 50 connections
 * a slow server (the gateway on the embedded database) answers in seconds, and a timed run would
 * drop every request still in flight at the end — or measure nothing at all.
 */
import type autocannon from 'autocannon'
import type { Fixture } from './fixture.ts'
import { KNOWN_BUYER, cartBody, newBuyer, ociPath, orderBody, setupBody, startTokenOf } from './fixture.ts'
import { runLoad, type LoadResult } from './load.ts'
import type { Child } from './processes.ts'

export interface BenchContext {
  gateway: Child
  floor: Child
  fx: Fixture
  storefrontToken: string
  connections: number
  /** Unique per run, so "new user" names never repeat across runs on one database. */
  runId: string
  newUsers: number
  /** OrderRequests sent so far: each gets its own payloadID and orderID (with `runId`). */
  orders: number
  /** Unused one-time start tokens, oldest first: filled by the setup scenarios, spent by `start-link`. */
  startPool: string[]
  /** Sessions in state `started`, for the cart returns. */
  cartSessions: string[]
  /** The last measured req/s per scenario, to size its next load. */
  rates: Map<string, number>
}

/** A timed load (warm-up, soak, profile) or a fixed number of requests (measured rounds). */
export type Span = { seconds: number } | { amount: number }

export interface Scenario {
  name: string
  target: 'floor' | 'gateway'
  /** The floor scenario this one is compared with. */
  floor?: string
  /** The status every answer must have. */
  expect: number
  /** One-time requests (start links) cannot run for a time: they need `amount`. */
  needsAmount?: boolean
  /** The request autocannon repeats, for a load of `amount` requests (when known). */
  request(ctx: BenchContext, amount: number | undefined): autocannon.Request | Promise<autocannon.Request>
}

const XML = { 'content-type': 'text/xml; charset=utf-8' }
/** What the floor's GET stores: a start token's size. */
const FLOOR_TOKEN = 'A'.repeat(43)

const collectToken = (ctx: BenchContext) => (status: number, body: string) => {
  const token = status === 200 ? startTokenOf(body) : undefined
  if (token) ctx.startPool.push(token)
}

const knownSetup = (ctx: BenchContext): autocannon.Request => ({
  method: 'POST', path: '/punchout/cxml', headers: XML, body: setupBody(ctx.fx, KNOWN_BUYER), onResponse: collectToken(ctx),
})

const cart = (lines: number): Scenario => {
  const body = cartBody(lines)
  return {
    name: `cart-${lines}`,
    target: 'gateway',
    expect: 200,
    request(ctx) {
      // Round-robin over many started sessions: a cart may be returned again to the same session.
      let i = 0
      const sids = ctx.cartSessions
      return {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.storefrontToken}`, 'content-type': 'application/json', accept: 'application/json' },
        body,
        setupRequest: (req) => ({ ...req, path: `/punchout/sessions/${sids[i++ % sids.length]}/cart` }),
      }
    },
  }
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'floor-post',
    target: 'floor',
    expect: 200,
    request: (ctx) => ({ method: 'POST', path: '/cxml', headers: XML, body: setupBody(ctx.fx, KNOWN_BUYER) }),
  },
  { name: 'setup-known', target: 'gateway', floor: 'floor-post', expect: 200, request: knownSetup },
  {
    name: 'setup-new',
    target: 'gateway',
    floor: 'floor-post',
    expect: 200,
    request: (ctx) => ({
      method: 'POST', path: '/punchout/cxml', headers: XML,
      setupRequest: (req) => ({ ...req, body: setupBody(ctx.fx, newBuyer(ctx.runId, ++ctx.newUsers)) }),
      onResponse: collectToken(ctx),
    }),
  },
  { name: 'oci-login', target: 'gateway', floor: 'floor-post', expect: 303, request: (ctx) => ({ method: 'GET', path: ociPath(ctx.fx) }) },
  { name: 'floor-get', target: 'floor', expect: 302, request: () => ({ method: 'GET', path: `/start/${FLOOR_TOKEN}` }) },
  {
    name: 'start-link',
    target: 'gateway',
    floor: 'floor-get',
    expect: 302,
    needsAmount: true,
    async request(ctx, amount) {
      // One token per request. The setup scenarios of the round minted most; the rest is topped up here, untimed.
      const n = amount ?? ctx.connections * 2
      if (ctx.startPool.length < n) await mintStartTokens(ctx, n - ctx.startPool.length)
      const tokens = ctx.startPool.splice(0, n)
      let i = 0
      return { method: 'GET', setupRequest: (req) => ({ ...req, path: `/punchout/start/${tokens[i++]}` }) }
    },
  },
  cart(1),
  cart(20),
  cart(200),
  {
    name: 'order-new',
    target: 'gateway',
    floor: 'floor-post',
    expect: 200,
    request: (ctx) => ({
      method: 'POST', path: '/punchout/cxml', headers: XML,
      setupRequest: (req) => ({ ...req, body: orderBody(ctx.fx, `bench.${ctx.runId}.${++ctx.orders}`) }),
    }),
  },
]

export const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!

/** Requests for about `seconds` at the last measured rate; at least two per connection. */
export function plannedAmount(ctx: BenchContext, s: Scenario, seconds: number): number {
  const rps = ctx.rates.get(s.name)
  let amount = rps ? Math.ceil(rps * seconds) : 0
  if (s.name === 'start-link') {
    // Start links cost a setup each: when they are much faster than setups, minting tokens for a
    // full `seconds` would take longer than the round. Spend at most the pool plus `seconds` of setups.
    amount = Math.min(amount, ctx.startPool.length + Math.ceil((ctx.rates.get('setup-known') ?? 0) * seconds))
  }
  return Math.max(ctx.connections * 2, amount)
}

export async function runScenario(ctx: BenchContext, s: Scenario, span: Span): Promise<LoadResult> {
  const server = s.target === 'floor' ? ctx.floor : ctx.gateway
  const amount = 'amount' in span ? span.amount : s.needsAmount ? ctx.connections * 2 : undefined
  const request = await s.request(ctx, amount)
  const result = await runLoad({
    url: server.url,
    connections: ctx.connections,
    ...(amount ? { amount } : { duration: (span as { seconds: number }).seconds }),
    request,
    expect: s.expect,
    pid: server.pid,
    // Both servers idle before any load: neither pays for the other's leftovers.
    idle: [ctx.gateway.pid, ctx.floor.pid],
  })
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
    throw new Error(`the ${server.name} died during ${s.name} (exit ${server.proc.exitCode ?? server.proc.signalCode}):\n${server.tail()}`)
  }
  if (result.requests > 0 && result.bad === 0) ctx.rates.set(s.name, result.rps)
  return result
}

/** Setups of the known buyer, untimed, for their start links. */
export async function mintStartTokens(ctx: BenchContext, count: number): Promise<void> {
  const result = await runLoad({
    url: ctx.gateway.url, connections: ctx.connections, amount: Math.max(count, ctx.connections), request: knownSetup(ctx),
    expect: 200, pid: ctx.gateway.pid, idle: [],
  })
  if (result.bad) throw new Error(`minting start links: ${result.bad} of ${result.requests} setups failed (${JSON.stringify(result.statuses)})`)
}

/** Sessions in state `started`: a setup, then its start link opened without following the redirect. */
export async function startSessions(ctx: BenchContext, count: number): Promise<string[]> {
  await mintStartTokens(ctx, count)
  const tokens = ctx.startPool.splice(0, count)
  const sids: string[] = []
  // Ten at a time: quick enough, and far from the load the scenarios put on the gateway.
  for (let i = 0; i < tokens.length; i += 10) sids.push(...(await Promise.all(tokens.slice(i, i + 10).map((t) => openStartLink(ctx, t)))))
  return sids
}

async function openStartLink(ctx: BenchContext, token: string): Promise<string> {
  const res = await fetch(`${ctx.gateway.url}/punchout/start/${token}`, { redirect: 'manual' })
  const sid = sidOfRedirect(res.headers.get('location'))
  if (res.status !== 302 || !sid) throw new Error(`start link answered ${res.status} (location ${res.headers.get('location')}): ${(await res.text()).slice(0, 300)}`)
  await res.body?.cancel()
  return sid
}

/** The session id is the `sid` claim of the identity assertion the start link redirects with. */
export function sidOfRedirect(location: string | null): string | undefined {
  const assertion = location ? new URL(location).searchParams.get('assertion') : null
  const payload = assertion?.split('.')[1]
  if (!payload) return undefined
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: string }).sid
}
