import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/index.ts'
import { RetentionJob } from '../domain/retention/retention.ts'
import { Every } from '../domain/retention/scheduler.ts'
import type { Database } from '../persistence/database.ts'
import { SqlRetentionStore } from '../persistence/retention-store.ts'

export interface Retention {
  job: RetentionJob
  /** Absent when RETENTION_INTERVAL_SECONDS is 0. */
  schedule?: Every
}

/**
 * Retention (docs/operations.md, "Retention") runs once the server listens, then every
 * RETENTION_INTERVAL_SECONDS; an app that never listens (tests, the CLI) runs it only when asked.
 * It stops before the database closes, between two batches.
 */
export function scheduleRetention(app: FastifyInstance, config: Readonly<Config>, db: Database, now: () => Date): Retention {
  const job = new RetentionJob(new SqlRetentionStore(db.orm, db.embedded), { defaultDays: config.retentionDefaultDays, now, log: app.log })
  if (config.retentionIntervalSeconds === 0) return { job }
  const schedule = new Every(config.retentionIntervalSeconds * 1000, async (signal) => {
    try {
      await job.run(signal)
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string }
      app.log.error({ error: e.name, code: e.code, message: e.message }, 'retention run failed; the next run retries')
    }
  })
  app.addHook('onListen', async () => schedule.start())
  app.addHook('preClose', () => schedule.stop())
  return { job, schedule }
}
