import { loadConfig } from '../config/index.ts'
import { RetentionJob, retentionSummary } from '../domain/retention/retention.ts'
import { openDatabase } from '../persistence/database.ts'
import { SqlRetentionStore } from '../persistence/retention-store.ts'
import { UsageError } from './agent.ts'

export const RETENTION_USAGE = 'usage: punchgate retention run'

/**
 * `punchgate retention run`: one retention run now, as the gateway's schedule does it
 * (docs/operations.md, "Retention"), printing what it purged. On PostgreSQL it takes the same
 * lock as the replicas, so it never runs beside one of them, and says so when it was skipped.
 */
export async function retentionCommand(argv: readonly string[]): Promise<number> {
  if (argv.length !== 2 || argv[1] !== 'run') throw new UsageError(`unknown command: ${argv.join(' ')}`)
  const config = loadConfig()
  const db = await openDatabase(config)
  try {
    const job = new RetentionJob(new SqlRetentionStore(db.orm, db.embedded), { defaultDays: config.retentionDefaultDays, now: () => new Date() })
    process.stdout.write(`${retentionSummary(await job.run())}\n`)
    return 0
  } finally {
    await db.close()
  }
}
