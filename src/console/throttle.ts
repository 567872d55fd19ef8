/**
 * Slows password guessing at the console's sign-in: after MAX_FAILURES failed attempts for one
 * e-mail from one address within WINDOW_MS, that pair is refused until the window has passed.
 * Kept in memory, per replica: it bounds guessing, it is not an account lock (an attacker
 * elsewhere cannot lock an agent out of their own address).
 */
const MAX_FAILURES = 5
const WINDOW_MS = 15 * 60 * 1000
/** Entries beyond this are pruned (oldest windows first), so that a flood cannot grow the map. */
const MAX_ENTRIES = 10_000

export class SignInThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>()

  /** Minutes left before `key` may try again; 0 when it may now. */
  blockedMinutes(key: string, now: Date): number {
    const entry = this.failures.get(key)
    if (!entry) return 0
    const left = entry.since + WINDOW_MS - now.getTime()
    if (left <= 0) {
      this.failures.delete(key)
      return 0
    }
    return entry.count >= MAX_FAILURES ? Math.ceil(left / 60_000) : 0
  }

  fail(key: string, now: Date): void {
    const entry = this.failures.get(key)
    if (entry && entry.since + WINDOW_MS > now.getTime()) entry.count++
    else this.failures.set(key, { count: 1, since: now.getTime() })
    if (this.failures.size > MAX_ENTRIES) this.prune(now)
  }

  succeed(key: string): void {
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
