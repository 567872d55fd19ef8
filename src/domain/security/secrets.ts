import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * Customer secrets (cXML SharedSecret, OCI password) are only ever verified, never sent on,
 * so only a keyed hash is stored: HMAC-SHA-256 under a server key kept outside the database
 * (docs/architecture.md, "Security rules"). Comparisons are constant-time on equal-length digests.
 */
export class SecretHasher {
  constructor(private readonly key: Buffer) {}

  hash(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('base64url')
  }

  verify(secret: string, storedHash: string): boolean {
    const a = Buffer.from(this.hash(secret))
    const b = Buffer.from(storedHash)
    return a.length === b.length && timingSafeEqual(a, b)
  }
}

/** Bearer tokens (API, start links) are high-entropy: a plain SHA-256 is enough to store them. */
export const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex')

export const newToken = (bytes = 32): string => randomBytes(bytes).toString('base64url')

/** Constant-time equality of two strings, by comparing their digests. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/**
 * The hashing key: PUNCHGATE_SECRET_KEY when set (required for several replicas), otherwise a
 * key generated once into DATA_DIR/secret.key (mode 0600). In-memory databases get a
 * process-lifetime key, which is all they need.
 */
export function loadSecretKey(opts: { secretKey?: string; dataDir: string; inMemory: boolean }): Buffer {
  if (opts.secretKey) return Buffer.from(opts.secretKey, 'utf8')
  if (opts.inMemory) return randomBytes(32)
  const file = path.join(opts.dataDir, 'secret.key')
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true })
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' })
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8')
}

const SEALED = 'sealed:v1:'

/**
 * Secrets the gateway must use or send on, at rest — the assertion signing keys and the customers'
 * order-status secrets: AES-256-GCM under a key derived from the server key (HKDF-SHA-256), so a
 * copy of the database alone cannot sign as the gateway nor post as the supplier
 * (docs/operations.md, "Keys at rest"). The row's id is the additional data: a sealed value
 * copied into another row does not open there.
 */
export class KeySealer {
  private readonly key: Buffer

  constructor(serverKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', serverKey, Buffer.alloc(0), 'punchgate signing keys v1', 32))
  }

  static isSealed(value: string): boolean {
    return value.startsWith(SEALED)
  }

  seal(plain: string, id: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(id, 'utf8'))
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${SEALED}${[iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.')}`
  }

  /** Throws when the value was sealed under another server key, or for another row. */
  open(value: string, id: string): string {
    const [iv, sealed, tag] = value.slice(SEALED.length).split('.').map((p) => Buffer.from(p, 'base64url'))
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv!).setAAD(Buffer.from(id, 'utf8')).setAuthTag(tag!)
      return Buffer.concat([decipher.update(sealed!), decipher.final()]).toString('utf8')
    } catch {
      throw new Error(`The signing key ${id} cannot be opened with this server key: PUNCHGATE_SECRET_KEY (or DATA_DIR/secret.key) is not the one it was sealed with.`)
    }
  }
}
