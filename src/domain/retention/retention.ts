import type { RetentionBatches, RetentionStore } from '../../persistence/retention-store.ts'

/**
 * Retention (docs/operations.md, "Retention"): raw payloads — journal request and response
 * bodies, the query strings of journaled paths, the documents of returned carts, the bodies of
 * outbox messages delivered or given up — are purged
 * once older than their customer's `retentionDays` (journal entries without a customer: the
 * gateway default); spent single-use keys are deleted. Session rows, their timelines and the
 * journal rows themselves stay, marked with when their payload was purged.
 */

/** Rows per statement: each batch commits on its own, so a backlog never holds locks for long. */
export const RETENTION_BATCH_SIZE = 5000

export interface RetentionCounts {
  journalEntries: number
  carts: number
  outboxMessages: number
  singleUseKeys: number
  /** Statements run; a purge loops while its batches come back full. */
  batches: number
}

export interface RetentionReport extends RetentionCounts {
  /** Another process held the retention lock: this run did nothing. */
  skipped: boolean
  /** Stopped between two batches (the gateway is closing); the next run goes on. */
  interrupted: boolean
  durationMs: number
}

/** A pino-compatible logger, as far as the job needs one. */
export interface RetentionLog {
  info(fields: object, message: string): void
}

export interface RetentionOptions {
  /** Days for journal entries without a customer (RETENTION_DEFAULT_DAYS). */
  defaultDays: number
  now: () => Date
  log?: RetentionLog
  batchSize?: number
}

export class RetentionJob {
  constructor(private readonly store: RetentionStore, private readonly options: RetentionOptions) {}

  /** One run: every purge, batch by batch, until nothing is due or `signal` aborts. */
  async run(signal?: AbortSignal): Promise<RetentionReport> {
    const started = performance.now()
    const now = this.options.now()
    let interrupted = false
    const counts = await this.store.exclusively(async (batches) => {
      const result = await purgeAll(batches, now, this.options, signal)
      interrupted = result.interrupted
      return result.counts
    })
    const report: RetentionReport = {
      ...(counts ?? { journalEntries: 0, carts: 0, outboxMessages: 0, singleUseKeys: 0, batches: 0 }),
      skipped: counts === undefined,
      interrupted,
      durationMs: Math.round(performance.now() - started),
    }
    this.options.log?.info({ retention: report }, retentionSummary(report))
    return report
  }
}

async function purgeAll(batches: RetentionBatches, now: Date, options: RetentionOptions, signal?: AbortSignal) {
  const limit = options.batchSize ?? RETENTION_BATCH_SIZE
  const counts: RetentionCounts = { journalEntries: 0, carts: 0, outboxMessages: 0, singleUseKeys: 0, batches: 0 }
  const purges: Array<[keyof Omit<RetentionCounts, 'batches'>, () => Promise<number>]> = [
    ['journalEntries', () => batches.purgeJournal(now, options.defaultDays, limit)],
    ['carts', () => batches.purgeCarts(now, limit)],
    ['outboxMessages', () => batches.purgeOutbox(now, limit)],
    ['singleUseKeys', () => batches.deleteSpentKeys(now, limit)],
  ]
  for (const [key, batch] of purges) {
    for (let full = true; full;) {
      if (signal?.aborted) return { counts, interrupted: true }
      const n = await batch()
      counts[key] += n
      counts.batches++
      full = n === limit
    }
  }
  return { counts, interrupted: false }
}

/** The run's summary line, for the log and the CLI. */
export function retentionSummary(r: RetentionReport): string {
  if (r.skipped) return `retention: skipped, another process is running it (${r.durationMs} ms)`
  return `retention: purged the payloads of ${r.journalEntries} journal entries, ${r.carts} carts and ${r.outboxMessages} outbox messages, deleted ${r.singleUseKeys} spent single-use keys`
    + ` (${r.batches} batches, ${r.durationMs} ms${r.interrupted ? ', interrupted: the gateway is closing' : ''})`
}
