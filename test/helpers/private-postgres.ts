/**
 * A PostgreSQL server of the test's own, for fault tests that stop and restart it: initdb and
 * pg_ctl into a temp directory, on a free loopback port. The shared server of TEST_DATABASE_URL
 * is never touched. PostgreSQL refuses to run as root, so under root the server runs as the
 * `postgres` system user (runuser). `unavailable()` says why none can be started here.
 */
import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { freePort } from '../../bench/processes.ts'

const run = promisify(execFile)
const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

export interface PrivatePostgres {
  url: string
  /** `pg_ctl stop -m immediate|fast`: connections are cut, the server is gone until start(). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>
  start(): Promise<void>
  restart(mode?: 'fast' | 'immediate'): Promise<void>
  /** Stops the server and removes its directory. */
  dispose(): Promise<void>
}

const asRoot = () => process.getuid?.() === 0

/** Why a private server cannot be started here, or undefined when it can. */
export function unavailable(): string | undefined {
  if (!existsSync(path.join(BIN, 'initdb')) || !existsSync(path.join(BIN, 'pg_ctl'))) return `no PostgreSQL binaries in ${BIN} (set PG_BIN)`
  if (asRoot() && !existsSync('/usr/sbin/runuser')) return 'running as root without runuser to drop to the postgres user'
  return undefined
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'punchgate-pg-'))
  if (asRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const pgctl = (args: string[]) => (asRoot() ? run('runuser', ['-u', 'postgres', '--', path.join(BIN, 'pg_ctl'), ...args]) : run(path.join(BIN, 'pg_ctl'), args))
  const data = path.join(dir, 'data')
  const initdb = [path.join(BIN, 'initdb'), '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']
  await (asRoot() ? run('runuser', ['-u', 'postgres', '--', ...initdb]) : run(initdb[0]!, initdb.slice(1)))
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`
  const start = async () => {
    await pgctl(['start', '-D', data, '-w', '-t', '30', '-l', path.join(dir, 'server.log'), '-o', options])
  }
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgctl(['stop', '-D', data, '-w', '-m', mode])
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    // Not `pg_ctl restart`: it would hand the server our output pipes instead of its log file.
    async restart(mode = 'fast') {
      await stop(mode)
      await start()
    },
    async dispose() {
      await stop('immediate').catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
