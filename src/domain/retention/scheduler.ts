/**
 * Runs a task now and then every `intervalMs` after each run ends, so runs never overlap. The
 * timer does not keep the process alive, and stop() aborts the run in progress (between two
 * batches) and waits for it: nothing of it is left when the database closes.
 */
export class Every {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private readonly abort = new AbortController()
  private waiters: Array<() => void> = []

  constructor(
    private readonly intervalMs: number,
    /** Must not reject: it reports its own failures. */
    private readonly task: (signal: AbortSignal) => Promise<void>,
  ) {}

  start(): void {
    if (this.abort.signal.aborted || this.running || this.timer) return
    this.tick()
  }

  /** A next run is waiting on its timer. */
  get scheduled(): boolean {
    return this.timer !== undefined
  }

  /** Resolves when the next run (or the one in progress) ends. */
  nextRun(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  async stop(): Promise<void> {
    this.abort.abort()
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running
  }

  private tick(): void {
    this.timer = undefined
    this.running = this.task(this.abort.signal).finally(() => {
      this.running = undefined
      for (const resolve of this.waiters.splice(0)) resolve()
      if (!this.abort.signal.aborted) this.timer = setTimeout(() => this.tick(), this.intervalMs).unref()
    })
  }
}
