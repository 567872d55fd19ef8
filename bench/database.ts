/**
 * Where the gateway and the floor keep their data during a bench run: fresh temp directories for
 * the embedded database, or a throw-away database `punchgate_bench_<random>` on the PostgreSQL
 * server of DATABASE_URL. `dispose()` removes it all, and is safe to call twice (the run calls it
 * in `finally` and from its signal handlers).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'

export interface BenchDatabase {
  kind: 'embedded' | 'postgres'
  /** What the header prints: never a password. */
  label: string
  /** Environment for the gateway child. */
  gatewayEnv: Record<string, string>
  /** Environment for the floor child. */
  floorEnv: Record<string, string>
  /** A scratch directory for logs and profiles, removed by dispose(). */
  scratch: string
  dispose(): Promise<void>
}

export async function openBenchDatabase(databaseUrl: string | undefined): Promise<BenchDatabase> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'punchgate-bench-'))
  const removeScratch = () => rmSync(scratch, { recursive: true, force: true })
  if (!databaseUrl) {
    // Separate directories: the gateway locks its DATA_DIR, and each gets a cold, empty database.
    return {
      kind: 'embedded',
      label: 'embedded (PGlite, on disk in a temp dir)',
      gatewayEnv: { DATA_DIR: path.join(scratch, 'gateway') },
      floorEnv: { FLOOR_DATA_DIR: path.join(scratch, 'floor') },
      scratch,
      dispose: async () => removeScratch(),
    }
  }
  const name = `punchgate_bench_${randomBytes(5).toString('hex')}`
  let version: string
  try {
    version = await withClient(databaseUrl, async (c) => {
      await c.query(`create database ${name}`)
      return (await c.query<{ server_version: string }>('show server_version')).rows[0]!.server_version
    })
  } catch (err) {
    removeScratch()
    throw err
  }
  const url = new URL(databaseUrl)
  url.pathname = `/${name}`
  let dropped = false
  return {
    kind: 'postgres',
    label: `PostgreSQL ${version} at ${url.host}, database ${name}`,
    gatewayEnv: { DATABASE_URL: url.href },
    floorEnv: { FLOOR_DATABASE_URL: url.href },
    scratch,
    async dispose() {
      if (dropped) return
      dropped = true
      try {
        // FORCE (PostgreSQL 13+) ends connections a killed child may have left behind.
        await withClient(databaseUrl, (c) => c.query(`drop database if exists ${name} with (force)`))
      } finally {
        removeScratch()
      }
    },
  }
}

/** A short-lived connection to the server's maintenance database (the one DATABASE_URL names). */
async function withClient<T>(databaseUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}
