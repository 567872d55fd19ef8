import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Agent passwords, stored as scrypt hashes (RFC 7914) with a per-password salt and the cost
 * parameters they were made with: `scrypt$<N>$<r>$<p>$<salt>$<key>` (base64url), so the cost can be
 * raised later without breaking the hashes already stored.
 */

export const PASSWORD_MIN_LENGTH = 12
/** Long enough for any passphrase; longer input only costs hashing time. */
export const PASSWORD_MAX_LENGTH = 1024

/** N = 2^15, r = 8, p = 1: 32 MiB and about a tenth of a second per hash on one core. */
const CURRENT = { N: 2 ** 15, r: 8, p: 1 }
const KEY_LENGTH = 32
const SALT_LENGTH = 16
/** Bounds on stored parameters, so that a damaged row cannot make a sign-in exhaust memory or CPU. */
const MAX_MEMORY = 256 * 1024 * 1024
const MAX_P = 16

const scrypt = (password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // scrypt needs 128 * N * r bytes (and a little more); Node refuses more than maxmem, 32 MiB by default.
    scryptCallback(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEMORY * 2 }, (err, key) =>
      err ? reject(err) : resolve(key))
  })

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await scrypt(password, salt, CURRENT)
  return ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) return false
  const key = await scrypt(password, parsed.salt, parsed.options)
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key)
}

function parseHash(stored: string): { options: ScryptOptions; salt: Buffer; key: Buffer } | undefined {
  const [scheme, n, r, p, salt, key] = stored.split('$')
  const [N, R, P] = [Number(n), Number(r), Number(p)]
  if (scheme !== 'scrypt' || !salt || !key) return undefined
  if (![N, R, P].every((x) => Number.isSafeInteger(x) && x >= 1)) return undefined
  // N is a power of two above 1 (RFC 7914, section 2).
  if (N < 2 || (N & (N - 1)) !== 0 || 128 * N * R > MAX_MEMORY || P > MAX_P) return undefined
  return { options: { N, r: R, p: P }, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') }
}

/**
 * A hash no password matches (a random key under a random salt, at the current cost): an unknown
 * e-mail is verified against it, so that it takes as long as a known one.
 */
export const DUMMY_PASSWORD_HASH = ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, randomBytes(SALT_LENGTH).toString('base64url'), randomBytes(KEY_LENGTH).toString('base64url')].join('$')
