import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { MikroORM, type Options } from '@mikro-orm/postgresql'
import { Migrator } from '@mikro-orm/migrations'
import { PGliteDriver } from 'mikro-orm-pglite'
import type { Config } from '../config/index.ts'
import { entities } from './entities/index.ts'
import { migrationsList } from './migrations/index.ts'
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts'
import { embeddedConnection } from './pglite-statements.ts'

/** The embedded database lives in DATA_DIR/pglite; `memory://` keeps it in memory (tests). */
export const MEMORY = 'memory://'

export interface Database {
  orm: MikroORM
  embedded: boolean
  close(): Promise<void>
}

function baseOptions(): Options {
  return {
    entities,
    discovery: { warnWhenNoEntities: true },
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, tableName: 'punchgate_migrations', silent: true },
    // Timestamps are stored as timestamptz and read back as Date.
    forceUtcTimezone: true,
    debug: false,
    allowGlobalContext: false,
  }
}

async function openEmbedded(config: Config): Promise<Database> {
  const inMemory = config.dataDir === MEMORY
  let lock: DataDirLock | undefined
  let pglite: PGlite
  if (inMemory) {
    pglite = new PGlite()
  } else {
    mkdirSync(config.dataDir, { recursive: true })
    // PGlite has no data-directory lock of its own; two processes on one directory corrupt it.
    lock = acquireDataDirLock(config.dataDir)
    pglite = new PGlite(path.join(config.dataDir, 'pglite'))
  }
  try {
    await pglite.waitReady
    const safe = embeddedConnection(pglite)
    const orm = await MikroORM.init({
      ...baseOptions(),
      driver: PGliteDriver as never,
      dbName: 'postgres',
      // One PGlite session: concurrent queries are serialized there anyway.
      pool: { min: 1, max: 1 },
      driverOptions: { connection: { pglite: () => safe } },
    } as Options)
    return {
      orm,
      embedded: true,
      async close() {
        await orm.close()
        await pglite.close()
        lock?.release()
      },
    }
  } catch (err) {
    await pglite.close().catch(() => undefined)
    lock?.release()
    throw err
  }
}

async function openPostgres(config: Config): Promise<Database> {
  const orm = await MikroORM.init({
    ...baseOptions(),
    clientUrl: config.databaseUrl,
    pool: { min: 0, max: 10, afterCreate: readCommitted },
  })
  return { orm, embedded: false, close: () => orm.close() }
}

/**
 * Every connection works in READ COMMITTED, whatever the server's default: the gateway's races
 * are settled by statements that must see what the winner committed — a conditional UPDATE, an
 * insert after an advisory lock, key rotation after its lock (docs/architecture.md, "The write
 * path"). Under REPEATABLE READ they would fail with serialization errors or miss the winner.
 */
function readCommitted(connection: { query(sql: string, done: (err?: Error) => void): void }, done: (err: Error | undefined, connection: unknown) => void): void {
  connection.query('set session characteristics as transaction isolation level read committed', (err) => done(err, connection))
}

/** Opens the configured database and applies pending migrations. */
export async function openDatabase(config: Config): Promise<Database> {
  const db = config.databaseUrl ? await openPostgres(config) : await openEmbedded(config)
  try {
    await migrate(db)
  } catch (err) {
    await db.close()
    throw err
  }
  return db
}

/** The advisory lock under which one process at a time migrates a shared PostgreSQL. */
export const MIGRATION_LOCK = 'punchgate:migrations'

/**
 * Replicas starting at the same moment take turns: the first applies what is pending, the others
 * wait for its lock and then find nothing left (docs/operations.md, "Migrations across several
 * replicas"). The lock is held on a connection of its own, for the migrator's whole run — its
 * bookkeeping table is created outside the migration's transaction. The embedded database has
 * one process (the DATA_DIR lock), so no lock.
 */
async function migrate(db: Database): Promise<void> {
  const migrator = db.orm.getMigrator()
  if (db.embedded) {
    await migrator.up()
    return
  }
  const knex = db.orm.em.getKnex()
  const connection: unknown = await knex.client.acquireConnection()
  try {
    await knex.raw('select pg_advisory_lock(hashtext(?))', [MIGRATION_LOCK]).connection(connection)
    try {
      await migrator.up()
    } finally {
      await knex.raw('select pg_advisory_unlock(hashtext(?))', [MIGRATION_LOCK]).connection(connection)
    }
  } finally {
    await knex.client.releaseConnection(connection)
  }
}
