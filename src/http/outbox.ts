import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/index.ts'
import { OutboxWorker } from '../domain/outbox/worker.ts'
import { Every } from '../domain/retention/scheduler.ts'
import type { KeySealer } from '../domain/security/secrets.ts'
import type { Database } from '../persistence/database.ts'
import { SqlOutboxStore } from '../persistence/outbox-store.ts'

export interface Outbox {
  worker: OutboxWorker
  schedule: Every
}

/**
 * The outbox (docs/operations.md, "The outbox") is delivered once the server listens, then every
 * OUTBOX_POLL_INTERVAL_MS; an app that never listens (tests, the CLI) delivers only when asked
 * (worker.runOnce). It stops before the database closes; a delivery cut short is retried.
 */
export function scheduleOutbox(app: FastifyInstance, config: Readonly<Config>, db: Database, sealer: KeySealer, now: () => Date): Outbox {
  const worker = new OutboxWorker(new SqlOutboxStore(db.orm), {
    now,
    maxAttempts: config.outbox.maxAttempts,
    timeoutMs: config.outbox.timeoutSeconds * 1000,
    sealer,
    ...(config.storefrontOrderToken ? { storefrontToken: config.storefrontOrderToken } : {}),
    log: app.log,
  })
  const schedule = new Every(config.outbox.pollIntervalMs, async (signal) => {
    try {
      await worker.runOnce(signal)
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string }
      app.log.error({ error: e.name, code: e.code, message: e.message }, 'outbox run failed; the next run retries')
    }
  })
  app.addHook('onListen', async () => schedule.start())
  app.addHook('preClose', () => schedule.stop())
  return { worker, schedule }
}
