/**
 * `--profile`: the gateway runs under `node --cpu-prof`, takes ~15 s of known-user setups at 10
 * connections, and is stopped with SIGINT — src/server.ts closes and exits on it, which is when
 * V8 writes the profile. The summary says where the CPU time went; the raw profile is kept in
 * bench/results/ for Chrome DevTools (Performance → Load profile).
 */
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import type { Harness } from './harness.ts'
import { formatSummary, readProfile, summarizeProfile } from './profile-summary.ts'
import { machineInfo, printHeader, writeResults } from './report.ts'
import { runScenario, scenario } from './scenarios.ts'

const SECONDS = 15

export function profileDir(scratch: string): string {
  const dir = path.join(scratch, 'cpu-profile')
  mkdirSync(dir, { recursive: true })
  return dir
}

export async function runProfile({ db, ctx }: Harness): Promise<number> {
  const machine = machineInfo(db.label)
  printHeader(machine, `profile: setup-known for ${SECONDS} s at ${ctx.connections} connections, gateway under --cpu-prof`)
  const result = await runScenario(ctx, scenario('setup-known'), { seconds: SECONDS })
  console.log(`setup-known: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${result.bad} bad answers\n`)
  const code = await ctx.gateway.stop('SIGINT')
  if (code !== 0) console.log(`(the gateway exited with ${code} on SIGINT)`)

  const dir = profileDir(db.scratch)
  // tsx's loader thread writes a small profile of its own: the main thread's is the largest.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f))
  const main = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]
  if (!main) throw new Error(`no .cpuprofile was written to ${dir}`)
  const summary = summarizeProfile(readProfile(main))
  console.log(formatSummary(summary))
  const json = writeResults(`profile-${db.kind}`, { ...machine, result, profile: summary })
  const kept = json.replace(/\.json$/, '.cpuprofile')
  copyFileSync(main, kept)
  console.log(`\nresults: ${json}\nprofile: ${kept}`)
  return result.bad ? 1 : 0
}
