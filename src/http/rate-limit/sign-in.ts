import { minutesBlocked, WINDOW_MS, type FailureWindow, type SignInThrottle } from '../../console/throttle.ts'
import type { SecretHasher } from '../../domain/security/secrets.ts'
import { PunchgateError } from '../../errors/index.ts'
import type { SharedCounters } from './store.ts'

/**
 * One more failure in the window of KEYS[1], which starts at the first failure (ARGV[1], the
 * gateway's clock in ms) and lasts ARGV[2] ms; Redis forgets the key when the window is over.
 */
const FAIL = `
local since = tonumber(redis.call('HGET', KEYS[1], 'since'))
local now = tonumber(ARGV[1])
if since == nil or since + tonumber(ARGV[2]) <= now then
  redis.call('HSET', KEYS[1], 'count', 1, 'since', now)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)
`

interface RedisWithFail {
  punchgateSignInFail(key: string, now: number, windowMs: number): Promise<number>
}

/**
 * The console's failed sign-ins in Redis, shared by every replica, so a guesser gets five tries
 * per e-mail and address in all, not five per replica. While Redis cannot answer, the sign-in is
 * refused (503) rather than left unlimited: unlike punchout, nobody's work stops when agents wait
 * a moment (docs/operations.md, "Rate limits"). Keys are keyed hashes: no e-mail lands in Redis.
 */
export class SharedSignInThrottle implements SignInThrottle {
  private readonly client: SharedCounters['client'] & RedisWithFail

  constructor(private readonly shared: SharedCounters, private readonly hasher: SecretHasher) {
    this.client = shared.client as SharedCounters['client'] & RedisWithFail
    this.client.defineCommand('punchgateSignInFail', { numberOfKeys: 1, lua: FAIL })
  }

  async blockedMinutes(key: string, now: Date): Promise<number> {
    const [count, since] = await this.ask(() => this.client.hmget(this.keyOf(key), 'count', 'since'))
    const entry: FailureWindow | undefined = count && since ? { count: Number(count), since: Number(since) } : undefined
    return minutesBlocked(entry, now)
  }

  async fail(key: string, now: Date): Promise<void> {
    await this.ask(() => this.client.punchgateSignInFail(this.keyOf(key), now.getTime(), WINDOW_MS))
  }

  async succeed(key: string): Promise<void> {
    await this.ask(() => this.client.del(this.keyOf(key)))
  }

  private keyOf(key: string): string {
    return `${this.shared.prefix}sign-in:${this.hasher.hash(key)}`
  }

  /** Redis's answer, or the refusal: at once while it is known to be down, else after one command timeout. */
  private async ask<T>(command: () => Promise<T>): Promise<T> {
    if (this.shared.usable()) {
      try {
        const result = await command()
        this.shared.recovered()
        return result
      } catch (err) {
        this.shared.failed(err as Error)
        throw unavailable(err)
      }
    }
    throw unavailable(undefined)
  }
}

const unavailable = (cause: unknown) =>
  new PunchgateError(
    'PG_ERR_SIGN_IN_UNAVAILABLE',
    'Signing in to the console is paused: the store that counts failed sign-ins (Redis) cannot be reached. Try again in a minute; if it lasts, tell the gateway operators.',
    cause === undefined ? undefined : { cause },
  )
