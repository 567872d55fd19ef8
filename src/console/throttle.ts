/**
 * Slows password guessing at the console's sign-in: after MAX_FAILURES failed attempts for one
 * e-mail from one address within WINDOW_MS, that pair is refused until the window has passed.
 * It bounds guessing, it is not an account lock (an attacker elsewhere cannot lock an agent out of
 * their own address). Without Redis the failures are counted in this process (one replica); with
 * REDIS_URL the gateway counts them in Redis, shared by every replica, and refuses sign-ins while
 * Redis cannot be reached (docs/console.md, "Signing in").
 */
const MAX_FAILURES = 5
export const WINDOW_MS = 15 * 60 * 1000
/** Entries beyond this are pruned (oldest windows first), so that a flood cannot grow the map. */
const MAX_ENTRIES = 10_000

/** The failures of one e-mail and address: how many, since when (ms). */
export interface FailureWindow {
  count: number
  since: number
}

/** Where failed sign-ins are counted. A store that cannot answer throws (the sign-in is refused). */
export interface SignInThrottle {
  /** Minutes left before `key` may try again; 0 when it may now. */
  blockedMinutes(key: string, now: Date): Promise<number>
  fail(key: string, now: Date): Promise<void>
  succeed(key: string): Promise<void>
}

/** Minutes left in a window that is over the limit; 0 when it is under it or has ended. */
export function minutesBlocked(entry: FailureWindow | undefined, now: Date): number {
  if (!entry) return 0
  const left = entry.since + WINDOW_MS - now.getTime()
  return left > 0 && entry.count >= MAX_FAILURES ? Math.ceil(left / 60_000) : 0
}

/** The failures kept in this process: one replica's count. */
export class LocalSignInThrottle implements SignInThrottle {
  private readonly failures = new Map<string, FailureWindow>()

  async blockedMinutes(key: string, now: Date): Promise<number> {
    const entry = this.failures.get(key)
    if (entry && entry.since + WINDOW_MS <= now.getTime()) this.failures.delete(key)
    return minutesBlocked(this.failures.get(key), now)
  }

  async fail(key: string, now: Date): Promise<void> {
    const entry = this.failures.get(key)
    if (entry && entry.since + WINDOW_MS > now.getTime()) entry.count++
    else this.failures.set(key, { count: 1, since: now.getTime() })
    if (this.failures.size > MAX_ENTRIES) this.prune(now)
  }

  async succeed(key: string): Promise<void> {
    this.failures.delete(key)
  }

  private prune(now: Date): void {
    for (const [key, entry] of this.failures) if (entry.since + WINDOW_MS <= now.getTime()) this.failures.delete(key)
    // Still full of live windows: drop the oldest (Map iterates in insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_ENTRIES) break
      this.failures.delete(key)
    }
  }
}
