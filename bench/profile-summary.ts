/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time aggregated by where the code lives —
 * a package (node_modules/<pkg>), a file of ours (src/…), Node's internals — so "where does a
 * setup request spend its time" has a one-screen answer. Used by `npm run bench -- --profile`;
 * also runs alone: `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const REPO = path.resolve(import.meta.dirname, '..')

/** The bucket a frame's self time goes to. */
export function bucketOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)'
  // The only WebAssembly in the gateway is PGlite's PostgreSQL (the embedded database).
  if (url.startsWith('wasm://')) return 'wasm (PGlite: PostgreSQL in-process)'
  const file = url.startsWith('file://') ? fileURLToPath(url.split('?')[0]!) : url
  const nm = file.lastIndexOf('/node_modules/')
  if (nm !== -1) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/')
    return `node_modules/${parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]}`
  }
  if (file.startsWith('node:')) {
    const rest = file.slice('node:'.length).replace(/^internal\//, '')
    return `node:${rest.split('/')[0]}`
  }
  if (path.isAbsolute(file)) return path.relative(REPO, file)
  return file
}

export interface ProfileSummary {
  totalMs: number
  idlePct: number
  rows: Array<{ bucket: string; ms: number; pct: number }>
}

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const bucketById = new Map(profile.nodes.map((n) => [n.id, bucketOf(n.callFrame.functionName, n.callFrame.url)]))
  const totals = new Map<string, number>()
  let total = 0
  // Sample i lasts until sample i+1: its duration is timeDeltas[i+1] (as Chrome DevTools counts).
  for (let i = 0; i < profile.samples.length - 1; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0
    const bucket = bucketById.get(profile.samples[i]!) ?? '(unknown)'
    totals.set(bucket, (totals.get(bucket) ?? 0) + us)
    total += us
  }
  const pct = (us: number) => (total ? (100 * us) / total : 0)
  const rows = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([bucket, us]) => ({ bucket, ms: us / 1000, pct: pct(us) }))
  return { totalMs: total / 1000, idlePct: pct(totals.get('(idle)') ?? 0), rows }
}

export function formatSummary(s: ProfileSummary): string {
  const out = [
    `CPU profile: ${(s.totalMs / 1000).toFixed(1)} s sampled, ${s.idlePct.toFixed(1)} % idle (the "(idle)" node: waiting for I/O, the database included)`,
    '',
    '  self ms      %   where',
  ]
  for (const r of s.rows) out.push(`${r.ms.toFixed(0).padStart(9)} ${r.pct.toFixed(1).padStart(6)}   ${r.bucket}`)
  return out.join('\n')
}

export const readProfile = (file: string): CpuProfile => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, top] = process.argv.slice(2)
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]')
    process.exit(2)
  }
  console.log(formatSummary(summarizeProfile(readProfile(file), top ? Number(top) : 25)))
}
