/**
 * Child processes (the gateway and the floor) and their memory. Each server is its own `node`
 * process — spawned directly, not through npm — so /proc/<pid> is the server itself.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'

export const REPO = path.resolve(import.meta.dirname, '..')

export interface Child {
  name: string
  pid: number
  url: string
  proc: ChildProcess
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>
  /** The last lines it printed, for failure messages. */
  tail(): string
  /** pino lines at warn (40) or above, by level and message: the gateway's own complaints. */
  complaints: Map<string, number>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** A port the OS just handed out; the child binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/**
 * A minimal environment: the caller's DATABASE_URL, DATA_DIR, PORT … must not leak into a child
 * that is meant to run on the bench's own database.
 */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']
  const env: NodeJS.ProcessEnv = {}
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k]
  return { ...env, ...extra }
}

export function spawnNode(name: string, url: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, { cwd: REPO, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const complaints = new Map<string, number>()
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue
      lines.push(line)
      if (lines.length > 100) lines.shift()
      noteComplaint(line, complaints)
    }
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', onData)
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)))
  return {
    name, url, proc, exited, complaints,
    pid: proc.pid!,
    tail: () => lines.slice(-30).join('\n'),
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
      // A server that does not close in 20 s is killed: the bench must not hang on it.
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}

function noteComplaint(line: string, complaints: Map<string, number>): void {
  if (!line.startsWith('{')) return
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string }; code?: string }
    if ((entry.level ?? 0) < 40) return
    const what = `${entry.level! >= 50 ? 'error' : 'warn'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 120)})` : ''}`
    complaints.set(what, (complaints.get(what) ?? 0) + 1)
  } catch {
    // not a pino line
  }
}

/** Polls `url` until it answers 200; fails early if the child exits. */
export async function waitReady(child: Child, probe: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited = false
  void child.exited.then(() => { exited = true })
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${child.name} exited during start-up:\n${child.tail()}`)
    try {
      const res = await fetch(`${child.url}${probe}`)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${child.name} not ready after ${timeoutMs / 1000} s:\n${child.tail()}`)
}

/** VmRSS of a process in MB, from /proc (Linux); undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : undefined
  } catch {
    return undefined
  }
}

/** Samples a process's RSS every `everyMs` while a load runs; `stop()` gives the maximum. */
export function sampleRss(pid: number, everyMs = 250): { stop(): number } {
  let max = rssMb(pid) ?? 0
  const timer = setInterval(() => { max = Math.max(max, rssMb(pid) ?? 0) }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      return Math.max(max, rssMb(pid) ?? 0)
    },
  }
}

/** User + system CPU time of a process in clock ticks (1/100 s on Linux), from /proc/<pid>/stat. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after "(comm)": state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return undefined
  }
}

/**
 * Waits until the processes are idle. When a load stops, autocannon drops its connections but a
 * server still works off the requests it had queued (seconds of them on the single-connection
 * embedded database): the next scenario must not pay for them.
 */
export async function settle(pids: number[], maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs
  const total = () => pids.reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0)
  let before = total()
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250))
    const now = total()
    // At most 2 ticks in 250 ms (8 % of a core): timers and GC, no request work.
    if (now - before <= 2) return
    before = now
  }
}
