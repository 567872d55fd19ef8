import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { SigningKey } from '../../persistence/entities/index.ts'
import { KeySealer } from '../security/secrets.ts'

export const ASSERTION_ALGORITHM = 'ES256'

/** pg_advisory_xact_lock key of key rotation (any constant no other lock uses). */
const ROTATION_LOCK = 0x5067_6b72 // "Pgkr"

export interface ActiveKey {
  kid: string
  privateKeyPem: string
}

export interface RotatedKey {
  key: SigningKey
  /** The kids that signed until now; published until their last token has expired. */
  retired: string[]
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
 * token it signed has expired, so rotation never breaks a live assertion. Its private part is
 * erased when it is retired, and its row deleted by a later rotation once it is out of the JWKS
 * (docs/operations.md, "Key rotation"): nothing that could sign outlives its use.
 */
export class KeyRing {
  private cache?: { at: number; keys: SigningKey[] }

  constructor(
    private readonly em: () => SqlEntityManager,
    /**
     * How long a retired key stays published: longer than the last assertion it signed can verify
     * (the TTL, plus the verifier's 30 s tolerance, plus the up to 10 s other replicas may still
     * sign with it), with a margin for clocks that disagree (docs/operations.md, "Clocks").
     */
    readonly publishForSeconds: number,
    /** The gateway clock: verification checks exp/nbf against it too, so both agree. */
    readonly now: () => Date,
    /** Private keys are stored sealed (docs/operations.md, "Keys at rest"). */
    private readonly sealer: KeySealer,
  ) {}

  /**
   * At start: seals any private key still stored in clear (written before keys were sealed),
   * creates the first key if there is none, and checks the signing key opens under this server
   * key. Safe under concurrent start of several replicas (they take turns on the rotation lock).
   */
  async ensureKey(): Promise<void> {
    await this.em().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?)', [ROTATION_LOCK])
      for (const key of await em.find(SigningKey, {})) {
        if (key.privateKeyPem && !KeySealer.isSealed(key.privateKeyPem)) key.privateKeyPem = this.sealer.seal(key.privateKeyPem, key.kid)
      }
      await em.flush()
      if ((await em.count(SigningKey, { retiredAt: null })) === 0) await this.createKey(em)
    })
    this.cache = undefined
    await this.signingKey()
  }

  /**
   * Retires the signing key(s), erasing their private parts, and creates a new one; deletes the
   * keys no longer published. `within` runs in the same transaction (the admin audit entry), so
   * a rotation is never recorded without happening, or vice versa.
   */
  async rotate(within?: (em: SqlEntityManager, key: SigningKey, retired: string[]) => void): Promise<RotatedKey> {
    const em = this.em()
    const rotated = await em.transactional(async (tem) => {
      // Rotations take turns (across replicas): each then sees, and retires, the key the one
      // before it created, so exactly one key is left signing. Row locks alone cannot do this,
      // since a waiting UPDATE does not see rows committed after it started.
      await tem.execute('select pg_advisory_xact_lock(?)', [ROTATION_LOCK])
      const retired = (await tem.find(SigningKey, { retiredAt: null })).map((k) => k.kid)
      // A retired key never signs again (a replica that read it less than 10 s ago signs from
      // memory): only its public part is still needed, to verify what it signed.
      await tem.nativeUpdate(SigningKey, { retiredAt: null }, { retiredAt: this.now(), privateKeyPem: null })
      await tem.nativeDelete(SigningKey, { retiredAt: { $lte: this.publishedSince() } })
      const key = await this.createKey(tem)
      within?.(tem, key, retired)
      return { key, retired }
    })
    this.cache = undefined
    return rotated
  }

  async signingKey(): Promise<ActiveKey> {
    const key = (await this.keys()).find((k) => !k.retiredAt)
    if (!key?.privateKeyPem) throw new Error('No active signing key: run ensureKey() at start-up')
    return { kid: key.kid, privateKeyPem: this.sealer.open(key.privateKeyPem, key.kid) }
  }

  /** Public keys that may still verify a live token. */
  async jwks(): Promise<{ keys: Jwk[] }> {
    return { keys: (await this.keys()).map((k) => k.publicJwk as unknown as Jwk) }
  }

  async publicKeyPem(kid: string): Promise<string | undefined> {
    let key = (await this.keys()).find((k) => k.kid === kid)
    // Another replica may have rotated less than 10 s ago and already signed with its new key:
    // an unknown kid re-reads the keys once, at most every second (random kids cost no more).
    if (!key && this.cache && this.now().getTime() - this.cache.at >= 1000) {
      this.cache = undefined
      key = (await this.keys()).find((k) => k.kid === kid)
    }
    return key && createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
  }

  /** Re-read at most every 10 s, so a rotation on one replica reaches the others quickly. */
  private async keys(): Promise<SigningKey[]> {
    const nowMs = this.now().getTime()
    if (this.cache && nowMs - this.cache.at < 10_000) return this.cache.keys
    const keys = await this.em().find(
      SigningKey,
      { $or: [{ retiredAt: null }, { retiredAt: { $gt: this.publishedSince() } }] },
      { orderBy: { createdAt: 'desc' } },
    )
    this.cache = { at: nowMs, keys }
    return keys
  }

  /** Keys retired at or before this moment may no longer verify anything: unpublished. */
  private publishedSince(): Date {
    return new Date(this.now().getTime() - this.publishForSeconds * 1000)
  }

  private async createKey(em: SqlEntityManager): Promise<SigningKey> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const kid = randomBytes(12).toString('base64url')
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: ASSERTION_ALGORITHM, use: 'sig' }
    const key = em.create(SigningKey, {
      kid,
      algorithm: ASSERTION_ALGORITHM,
      privateKeyPem: this.sealer.seal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), kid),
      publicJwk: jwk,
      createdAt: this.now(),
      retiredAt: null,
    })
    await em.flush()
    return key
  }
}
