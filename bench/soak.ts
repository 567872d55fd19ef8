/**
 * `--soak [SECONDS]`: known-user setups at full load for a long time, the gateway's RSS printed
 * every 15 s. A leak shows as RSS that keeps climbing once the heap has warmed up, so the verdict
 * ignores the first 30 s and asks two things: did every sample stay within ±10 % of the first
 * (strict: the garbage collector's sawtooth alone can exceed it), and did the trend — the mean of
 * the last minute against the mean of the first minute after warm-up — stay within ±10 %.
 */
import type { Harness } from './harness.ts'
import { rssMb } from './processes.ts'
import { machineInfo, printComplaints, printHeader, writeResults } from './report.ts'
import type { Options } from './run.ts'
import { runScenario, scenario } from './scenarios.ts'

const WARM_UP_S = 30
const PRINT_EVERY_S = 15

export async function runSoak({ db, ctx }: Harness, o: Options): Promise<number> {
  const machine = machineInfo(db.label)
  printHeader(machine, `soak: setup-known for ${o.soakSeconds} s, ${o.connections} connections; gateway RSS every ${PRINT_EVERY_S} s`)
  const rss = sampleRssEvery(ctx.gateway.pid, Date.now())
  // The start links these setups mint are never used: drop them instead of keeping them in memory.
  const drain = setInterval(() => { ctx.startPool.length = 0 }, 1000)
  const result = await runScenario(ctx, scenario('setup-known'), { seconds: o.soakSeconds }).finally(() => {
    rss.stop()
    clearInterval(drain)
  })
  const { samples } = rss

  console.log('')
  console.log(`setup-known: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.bad} bad answers`)
  const { stable } = printRssVerdict(samples)
  if (result.bad) console.log(`BAD ANSWERS: ${result.bad} of ${result.requests} — statuses ${JSON.stringify(result.statuses)}, errors ${result.errors}`)
  printComplaints(ctx.gateway.complaints)
  const file = writeResults(`soak-${db.kind}`, { ...machine, options: o, result, samples, stable, gatewayLog: Object.fromEntries(ctx.gateway.complaints) })
  console.log(`\nresults: ${file}`)
  return result.bad ? 1 : 0
}

export interface RssSample {
  t: number
  mb: number
}

/**
 * Prints the RSS verdict: min, max, first and last after the warm-up, whether every sample stayed
 * within ±10 % of the first, and the trend (the last minute's mean against the first minute's).
 */
export function printRssVerdict(samples: RssSample[]): { stable: boolean; trend?: number } {
  const after = samples.filter((s) => s.t >= WARM_UP_S)
  const mbs = after.map((s) => s.mb)
  const first = after[0]?.mb
  const stable = first !== undefined && mbs.every((mb) => Math.abs(mb - first) <= first * 0.1)
  if (first === undefined) {
    console.log(`RSS: the soak was shorter than the ${WARM_UP_S} s warm-up; no verdict.`)
    return { stable }
  }
  console.log(`RSS after ${WARM_UP_S} s warm-up: first ${first.toFixed(1)} MB, last ${after.at(-1)!.mb.toFixed(1)} MB, min ${Math.min(...mbs).toFixed(1)} MB, max ${Math.max(...mbs).toFixed(1)} MB`)
  console.log(`every sample within ±10 % of the first: ${stable ? 'yes' : 'NO'}`)
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const end = after.at(-1)!.t
  const head = after.filter((s) => s.t < WARM_UP_S + 60).map((s) => s.mb)
  const tail = after.filter((s) => s.t > end - 60).map((s) => s.mb)
  const trend = mean(tail) / mean(head) - 1
  console.log(`trend (last minute's mean against the first minute's): ${(trend * 100).toFixed(1)} % — ${Math.abs(trend) <= 0.1 ? 'flat' : 'NOT flat'}`)
  return { stable, trend }
}

/** Samples the gateway's RSS every PRINT_EVERY_S, printing each; `stop()` ends it. */
export function sampleRssEvery(pid: number, t0: number): { samples: RssSample[]; stop(): void } {
  const samples: RssSample[] = []
  const sample = () => {
    const t = Math.round((Date.now() - t0) / 1000)
    const mb = rssMb(pid)
    if (mb === undefined) return
    samples.push({ t, mb })
    console.log(`  t=${String(t).padStart(4)} s  RSS ${mb.toFixed(1)} MB`)
  }
  sample()
  const timer = setInterval(sample, PRINT_EVERY_S * 1000)
  return { samples, stop: () => { clearInterval(timer); sample() } }
}
