/**
 * The default mode: a warm-up pass (JIT, connection pools, page cache; not recorded), then
 * `rounds` rounds of every scenario, then the table and the JSON file. Exit status 1 when any
 * request got a wrong answer, so a broken gateway never passes as a fast one.
 */
import type { Harness } from './harness.ts'
import type { LoadResult } from './load.ts'
import { machineInfo, printBadRounds, printComplaints, printHeader, printTable, summarize, writeResults } from './report.ts'
import type { Options } from './run.ts'
import { SCENARIOS, plannedAmount, runScenario } from './scenarios.ts'

const fmt = (name: string, r: LoadResult) =>
  `${name.padEnd(12)} ${String(r.requests).padStart(6)} in ${r.seconds.toFixed(1).padStart(4)} s ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  RSS ${r.rssMb.toFixed(0).padStart(4)} MB${r.bad ? `  ${r.bad} BAD ${JSON.stringify(r.statuses)}` : ''}`

export async function runRounds({ db, ctx }: Harness, o: Options): Promise<number> {
  const machine = machineInfo(db.label)
  printHeader(machine, `${o.rounds} round(s) × ${o.duration} s per scenario, ${o.connections} connections, warm-up ${o.warmup} s per scenario`)

  if (o.warmup > 0) {
    process.stdout.write('warm-up…')
    for (const s of SCENARIOS) await runScenario(ctx, s, { seconds: o.warmup })
    console.log(' done')
  }

  const results = new Map<string, LoadResult[]>(SCENARIOS.map((s) => [s.name, []]))
  for (let round = 1; round <= o.rounds; round++) {
    console.log(`round ${round}/${o.rounds}`)
    for (const s of SCENARIOS) {
      const r = await runScenario(ctx, s, { amount: plannedAmount(ctx, s, o.duration) })
      results.get(s.name)!.push(r)
      console.log(`  ${fmt(s.name, r)}`)
    }
  }

  const rows = SCENARIOS.map((s) => summarize(s.name, s.target, s.floor, results.get(s.name)!, s.floor ? results.get(s.floor) : undefined))
  console.log('')
  printHeader(machine, `medians of ${o.rounds} round(s); ratios paired round by round; RSS: max VmRSS of the server process during its loads`)
  printTable(rows)
  const bad = printBadRounds(rows)
  printComplaints(ctx.gateway.complaints)
  const file = writeResults(db.kind, {
    ...machine,
    options: o,
    scenarios: rows,
    gatewayLog: Object.fromEntries(ctx.gateway.complaints),
    ok: !bad,
  })
  console.log(`\nresults: ${file}`)
  return bad ? 1 : 0
}
