/**
 * One measured load: autocannon against one server, its latencies recorded by the bench itself
 * (autocannon's histogram has 1 ms resolution, too coarse for a floor answering in ~2 ms) and
 * every answer checked against the one status the scenario must produce.
 */
import autocannon from 'autocannon'
import { sampleRss, settle } from './processes.ts'

export interface LoadSpec {
  url: string
  connections: number
  /** Seconds, when `amount` is not set. */
  duration?: number
  /** Exactly this many requests (one-time start links: one per token). */
  amount?: number
  request: autocannon.Request
  /** The status every answer must have (200, 302, 303). */
  expect: number
  /** Process whose RSS is sampled during the load. */
  pid: number
  /** Processes that must be idle before the load starts (see settle()). */
  idle: number[]
}

export interface LoadResult {
  requests: number
  seconds: number
  rps: number
  p50: number
  p99: number
  /** Answers with another status, plus connection errors and timeouts. */
  bad: number
  statuses: Record<string, number>
  errors: number
  timeouts: number
  rssMb: number
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  await settle(spec.idle)
  let latencies = new Float64Array(1 << 16)
  let n = 0
  let last = 0
  const statuses: Record<string, number> = {}
  const rss = sampleRss(spec.pid)
  const t0 = performance.now()
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.duration ?? 10 }),
    timeout: 30,
    requests: [spec.request],
  })
  instance.on('response', (_client, status, _bytes, ms) => {
    if (n === latencies.length) {
      const grown = new Float64Array(n * 2)
      grown.set(latencies)
      latencies = grown
    }
    latencies[n++] = ms
    last = performance.now()
    statuses[status] = (statuses[status] ?? 0) + 1
  })
  const result = await instance
  const rssMb = rss.stop()
  // Elapsed to the last answer: autocannon's own `duration` rounds up to its 1 s sampling tick.
  const seconds = ((n ? last : performance.now()) - t0) / 1000
  const sorted = latencies.subarray(0, n).sort()
  const pct = (q: number) => (n ? sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]! : NaN)
  const wrong = n - (statuses[spec.expect] ?? 0)
  return {
    requests: n,
    seconds,
    rps: n / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    bad: wrong + result.errors,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    rssMb,
  }
}
