import { once } from 'node:events'
import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'

/**
 * Where rate-limit counters live: in Redis when REDIS_URL is set, so every replica counts
 * against the same limit; in this process when it is not, or while Redis cannot answer. An
 * outage of the limiter must not stop punchout (docs/operations.md, "Rate limits"): a request
 * waits at most one short command timeout for Redis, then is counted locally, and after a
 * failure Redis is left alone for a while instead of being asked again by every request. The
 * same connection keeps the console's failed sign-ins (./sign-in.ts), which fail closed instead.
 */
const CONNECT_TIMEOUT_MS = 500
const COMMAND_TIMEOUT_MS = 250
const PAUSE_AFTER_FAILURE_MS = 5_000
/** Local counters beyond this are pruned (expired first, then oldest), so a flood of keys cannot grow memory. */
const MAX_LOCAL_KEYS = 20_000

type Result = { current: number; ttl: number }
type Callback = (err: Error | null, result?: Result) => void

/** A fixed window per key: the first request starts it, the counter expires with it (same as the local counter). */
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {current, redis.call('PTTL', KEYS[1])}
`

interface RedisWithCounter extends Redis {
  punchgateCount(key: string, windowMs: number): Promise<[number, number]>
}

/**
 * The gateway's one Redis connection and its health, logged once when an outage starts and once
 * when it ends. Keys start with REDIS_KEY_PREFIX; each user of the connection adds its own part.
 */
export class SharedCounters {
  private healthy = true
  private pausedUntil = 0
  readonly client: RedisWithCounter

  constructor(url: string, readonly prefix: string, private readonly log: FastifyBaseLogger) {
    this.client = new Redis(url, {
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Fail at once while disconnected: no queue of commands grows during an outage.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 500, PAUSE_AFTER_FAILURE_MS),
    }) as RedisWithCounter
    this.client.defineCommand('punchgateCount', { numberOfKeys: 1, lua: INCREMENT })
    this.client.on('error', (err: Error) => this.failed(err))
    this.client.on('ready', () => this.recovered())
  }

  /** Waits for the first connection, at most the connect timeout: start-up never hangs on Redis. */
  async connected(): Promise<void> {
    const timeout = new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS * 2).unref())
    await Promise.race([once(this.client, 'ready').catch(() => undefined), timeout])
  }

  usable(): boolean {
    return this.client.status === 'ready' && Date.now() >= this.pausedUntil
  }

  async count(key: string, windowMs: number): Promise<Result> {
    const [current, ttl] = await this.client.punchgateCount(`${this.prefix}rate-limit:${key}`, windowMs)
    this.recovered()
    return { current, ttl }
  }

  failed(err: Error): void {
    this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS
    if (!this.healthy) return
    this.healthy = false
    this.log.warn({ error: err.name, reason: err.message.slice(0, 200) }, 'Redis unavailable: rate limits count in this process and console sign-ins are refused until it is back')
  }

  recovered(): void {
    if (this.healthy) return
    this.healthy = true
    this.pausedUntil = 0
    this.log.info('Redis reachable again: rate limits and console sign-in failures counted across replicas')
  }

  close(): void {
    this.client.disconnect()
  }
}

/** Fixed-window counters in this process: the store without Redis, and the fallback during an outage. */
export class LocalCounters {
  private readonly windows = new Map<string, { current: number; endsAt: number }>()

  count(key: string, windowMs: number): Result {
    const now = Date.now()
    let entry = this.windows.get(key)
    if (!entry || entry.endsAt <= now) {
      this.windows.delete(key)
      entry = { current: 0, endsAt: now + windowMs }
      this.windows.set(key, entry)
      if (this.windows.size > MAX_LOCAL_KEYS) this.prune(now)
    }
    entry.current++
    return { current: entry.current, ttl: entry.endsAt - now }
  }

  private prune(now: number): void {
    for (const [key, entry] of this.windows) if (entry.endsAt <= now) this.windows.delete(key)
    // Still full of live windows: drop the oldest (a Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size <= MAX_LOCAL_KEYS) break
      this.windows.delete(key)
    }
  }
}

/**
 * The store @fastify/rate-limit counts with (its `store` option): Redis while it answers,
 * the local counters otherwise. Every limiter's keys carry its own name, so one store serves all.
 */
export function fallbackStore(shared: SharedCounters | undefined, local: LocalCounters) {
  return class FallbackStore {
    incr(key: string, callback: Callback, windowMs: number): void {
      if (!shared?.usable()) {
        callback(null, local.count(key, windowMs))
        return
      }
      shared.count(key, windowMs).then(
        (result) => callback(null, result),
        (err: Error) => {
          shared.failed(err)
          callback(null, local.count(key, windowMs))
        },
      )
    }

    child(): FallbackStore {
      return this
    }
  }
}
