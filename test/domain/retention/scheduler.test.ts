import t from 'tap'
import { RetentionJob } from '../../../src/domain/retention/retention.ts'
import { Every } from '../../../src/domain/retention/scheduler.ts'
import type { RetentionBatches, RetentionStore } from '../../../src/persistence/retention-store.ts'

t.test('stop() aborts the run in progress, waits for it, and leaves no timer', async (t) => {
  let release!: () => void
  let seen: AbortSignal | undefined
  let finished = false
  const every = new Every(60_000, async (signal) => {
    seen = signal
    await new Promise<void>((resolve) => (release = resolve))
    finished = true
  })
  every.start()
  every.start()
  t.ok(seen, 'the first run starts at once')
  t.notOk(seen!.aborted)
  const stopping = every.stop()
  t.ok(seen!.aborted, 'the run is told to stop')
  release()
  await stopping
  t.ok(finished, 'stop() resolved only after the run ended')
  t.notOk(every.scheduled, 'no next run is scheduled')
  every.start()
  t.notOk(every.scheduled, 'a stopped schedule does not start again')
})

t.test('a retention run told to stop leaves between two batches', async (t) => {
  const controller = new AbortController()
  const calls: string[] = []
  const batches: RetentionBatches = {
    purgeJournal: async (_now, _days, limit) => {
      calls.push('journal')
      controller.abort()
      return limit
    },
    purgeCarts: async () => (calls.push('carts'), 0),
    purgeOutbox: async () => (calls.push('outbox'), 0),
    deleteSpentKeys: async () => (calls.push('keys'), 0),
  }
  const store: RetentionStore = { exclusively: (work) => work(batches) }
  const report = await new RetentionJob(store, { defaultDays: 90, now: () => new Date(), batchSize: 10 }).run(controller.signal)
  t.match(report, { interrupted: true, journalEntries: 10, batches: 1, skipped: false })
  t.same(calls, ['journal'], 'a full batch would loop, but the run stopped first')
})
