import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { SigningKey } from '../../persistence/entities/index.ts'

export const ASSERTION_ALGORITHM = 'ES256'

export interface ActiveKey {
  kid: string
  privateKeyPem: string
}

export interface Jwk {
  kid: string
  kty: string
  crv?: string
  x?: string
  y?: string
  alg: string
  use: 'sig'
}

/**
 * The assertion signing keys, shared by every replica through the database.
 * The newest unretired key signs; a retired key stays published (and verifies) until every
 * token it signed has expired, so rotation never breaks a live assertion.
 */
export class KeyRing {
  private cache?: { at: number; keys: SigningKey[] }

  constructor(
    private readonly em: () => SqlEntityManager,
    private readonly publishForSeconds: number,
    private readonly now: () => Date,
  ) {}

  /** Creates the first key if there is none. Safe under concurrent start of several replicas. */
  async ensureKey(): Promise<void> {
    const em = this.em()
    const count = await em.count(SigningKey, { retiredAt: null })
    if (count === 0) await this.createKey(em)
    this.cache = undefined
  }

  async rotate(): Promise<SigningKey> {
    const em = this.em()
    const key = await em.transactional(async (tem) => {
      await tem.nativeUpdate(SigningKey, { retiredAt: null }, { retiredAt: this.now() })
      return this.createKey(tem)
    })
    this.cache = undefined
    return key
  }

  async signingKey(): Promise<ActiveKey> {
    const key = (await this.keys()).find((k) => !k.retiredAt)
    if (!key) throw new Error('No active signing key: run ensureKey() at start-up')
    return { kid: key.kid, privateKeyPem: key.privateKeyPem }
  }

  /** Public keys that may still verify a live token. */
  async jwks(): Promise<{ keys: Jwk[] }> {
    return { keys: (await this.keys()).map((k) => k.publicJwk as unknown as Jwk) }
  }

  async publicKeyPem(kid: string): Promise<string | undefined> {
    const key = (await this.keys()).find((k) => k.kid === kid)
    return key && createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
  }

  /** Re-read at most every 10 s, so a rotation on one replica reaches the others quickly. */
  private async keys(): Promise<SigningKey[]> {
    const nowMs = this.now().getTime()
    if (this.cache && nowMs - this.cache.at < 10_000) return this.cache.keys
    const cutoff = new Date(nowMs - this.publishForSeconds * 1000)
    const keys = await this.em().find(
      SigningKey,
      { $or: [{ retiredAt: null }, { retiredAt: { $gt: cutoff } }] },
      { orderBy: { createdAt: 'desc' } },
    )
    this.cache = { at: nowMs, keys }
    return keys
  }

  private async createKey(em: SqlEntityManager): Promise<SigningKey> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const kid = randomBytes(12).toString('base64url')
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: ASSERTION_ALGORITHM, use: 'sig' }
    const key = em.create(SigningKey, {
      kid,
      algorithm: ASSERTION_ALGORITHM,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicJwk: jwk,
      createdAt: this.now(),
      retiredAt: null,
    })
    await em.flush()
    return key
  }
}
