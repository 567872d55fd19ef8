/**
 * What a run prints and keeps: the machine it ran on, one table row per scenario (medians over
 * rounds; ratios paired round by round, since floor and gateway alternate), every bad answer
 * listed by round, and the whole thing as JSON under bench/results/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LoadResult } from './load.ts'

export interface MachineInfo {
  date: string
  cpu: string
  cores: number
  node: string
  database: string
}

export function machineInfo(database: string): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown'
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu
  } catch {
    // not Linux: os.cpus() it is
  }
  return { date: new Date().toISOString(), cpu, cores: os.cpus().length, node: process.version, database }
}

export function printHeader(m: MachineInfo, settings: string): void {
  console.log(`Punchgate bench — ${m.date}`)
  console.log(`CPU: ${m.cpu} × ${m.cores} cores | Node ${m.node}`)
  console.log(`Database: ${m.database}`)
  console.log(settings)
  console.log('')
}

export interface ScenarioSummary {
  name: string
  target: 'floor' | 'gateway'
  floor?: string
  rounds: LoadResult[]
  rps: number
  p50: number
  p99: number
  rssMb: number
  /** Gateway req/s ÷ floor req/s, median of the per-round ratios. */
  rpsRatio?: number
  /** Gateway p99 ÷ floor p99, median of the per-round ratios. */
  p99Ratio?: number
  bad: number
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export function summarize(name: string, target: 'floor' | 'gateway', floorName: string | undefined, rounds: LoadResult[], floorRounds?: LoadResult[]): ScenarioSummary {
  const paired = floorRounds?.slice(0, rounds.length)
  return {
    name, target, ...(floorName ? { floor: floorName } : {}), rounds,
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    rssMb: Math.max(...rounds.map((r) => r.rssMb)),
    ...(paired?.length
      ? {
          rpsRatio: median(rounds.map((r, i) => r.rps / paired[i]!.rps)),
          p99Ratio: median(rounds.map((r, i) => r.p99 / paired[i]!.p99)),
        }
      : {}),
    bad: rounds.reduce((sum, r) => sum + r.bad, 0),
  }
}

export function printTable(rows: ScenarioSummary[]): void {
  const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'RSS MB', 'req/s ÷ floor', 'p99 ÷ floor', 'bad answers']
  const body = rows.map((r) => [
    r.target === 'floor' ? `${r.name} (floor)` : r.name,
    r.rps.toFixed(0),
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    r.rssMb.toFixed(0),
    r.rpsRatio === undefined ? '—' : r.rpsRatio.toFixed(2),
    r.p99Ratio === undefined ? '—' : r.p99Ratio.toFixed(2),
    r.bad ? `${r.bad} !` : '0',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
  console.log(line(head))
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`)
  for (const b of body) console.log(line(b))
}

/** Every round that had a bad answer, with what the answers were: never averaged away. */
export function printBadRounds(rows: ScenarioSummary[]): boolean {
  let any = false
  for (const r of rows) {
    r.rounds.forEach((round, i) => {
      if (!round.bad) return
      if (!any) console.log('\nBAD ANSWERS (requests that did not get the expected status, or failed):')
      any = true
      console.log(`  ${r.name}, round ${i + 1}: ${round.bad} of ${round.requests} — statuses ${JSON.stringify(round.statuses)}, connection errors ${round.errors} (timeouts ${round.timeouts})`)
    })
  }
  return any
}

export function printComplaints(complaints: Map<string, number>): void {
  if (!complaints.size) return
  console.log('\nThe gateway logged (warn and above), count × message:')
  for (const [what, count] of [...complaints].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${String(count).padStart(6)} × ${what}`)
}

/** bench/results/<timestamp>-<suffix>.json; the directory is git-ignored. */
export function writeResults(suffix: string, data: unknown): string {
  const dir = path.resolve(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${suffix}.json`)
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`)
  return file
}
