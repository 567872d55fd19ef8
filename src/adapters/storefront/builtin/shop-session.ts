import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SecretHasher } from '../../../domain/security/secrets.ts'
import { constantTimeEqual } from '../../../domain/security/secrets.ts'

/** Where the browser is, as far as the storefront can tell (Fetch Metadata, where sent). */
export type Framing = 'frame' | 'top' | 'unknown'

/** The first page after sign-in: proof that this browser held the assertion, usable once. */
export interface EntryPass {
  nonce: string
  /** 1: straight from the sign-in; 2: after "continue in a new window". */
  attempt: 1 | 2
  expiresAt: Date
}

/** The cookie of the first storefront version: never read, expired at each sign-in. */
const LEGACY_COOKIE = 'pg_shop'

/**
 * The built-in storefront's login session, for a storefront that lives inside the buyer's frame
 * (docs/storefront.md, "Inside the buyer's frame"). Two halves, both needed:
 *
 * - The **session handle** in the page's path (`/shop/s/<handle>/`): the punchout session id, an
 *   expiry and a MAC. Every page, link and form names its session by it, so a request acts on
 *   exactly the session its page belongs to — never on whichever session a cookie last named.
 * - The **browser key**: a random value in a cookie, bound into the handle's MAC, so a handle is
 *   worth nothing in another browser (a copied link, a shared screen, a history entry).
 *   Over https it is `__Host-` prefixed and `SameSite=None; Secure; Partitioned`: browsers that
 *   block third-party cookies still keep a partitioned one inside the buyer's frame.
 *
 * A browser that keeps no cookie at all, even partitioned, is told so (the entry pass proves it
 * came straight from the sign-in) and may continue in a window of its own.
 */
export class ShopSessions {
  readonly cookieName: string

  constructor(
    private readonly hasher: SecretHasher,
    private readonly secure: boolean,
    private readonly prefix: string,
    private readonly ttlSeconds = 8 * 3600,
    private readonly entryTtlSeconds = 10 * 60,
  ) {
    // `__Host-` needs Secure and Path=/; plain http (a developer's machine) gets a Lax cookie.
    this.cookieName = secure ? '__Host-punchgate-shop' : 'punchgate-shop'
  }

  /** The browser key this browser already holds (kept, so its other tabs' handles stay valid), or a new one. */
  browserKey(request: FastifyRequest): string {
    return this.presentedKeys(request)[0] ?? this.newKey()
  }

  /** Sets the browser key cookie, and expires the first version's cookie. */
  setCookie(reply: FastifyReply, key: string): void {
    const attrs = this.secure ? 'Path=/; Secure; HttpOnly; SameSite=None; Partitioned' : `Path=${this.prefix}; HttpOnly; SameSite=Lax`
    const legacy = this.secure ? 'Secure; SameSite=None' : 'SameSite=Lax'
    reply.header('set-cookie', [
      `${this.cookieName}=${key}; ${attrs}; Max-Age=${this.ttlSeconds}`,
      `${LEGACY_COOKIE}=; Path=${this.prefix}; HttpOnly; ${legacy}; Max-Age=0`,
    ])
  }

  /** The handle of `sessionId` for the browser holding `key`. */
  handle(sessionId: string, key: string, now: Date): string {
    const exp = Math.floor(now.getTime() / 1000) + this.ttlSeconds
    return `${sessionId}.${exp}.${this.handleMac(sessionId, exp, key)}`
  }

  /** The session id a handle names (not yet proven: see `verify`). */
  sessionIdOf(handle: string): string | undefined {
    const sessionId = handle.split('.')[0]
    return sessionId && /^[0-9a-f-]{36}$/.test(sessionId) ? sessionId : undefined
  }

  /**
   * The session a request may act on: the handle's, if the handle is unexpired and one of the
   * browser keys the request carries is the one it was bound to. Stale or duplicate cookies
   * cannot redirect a request to another session: only the handle names one.
   */
  verify(request: FastifyRequest, handle: string, now: Date): string | undefined {
    const [sessionId, expText, mac, extra] = handle.split('.')
    const exp = Number(expText)
    if (!sessionId || !mac || extra !== undefined || !Number.isInteger(exp) || exp * 1000 < now.getTime()) return undefined
    const bound = this.presentedKeys(request).some((key) => constantTimeEqual(mac, this.handleMac(sessionId, exp, key)))
    return bound ? sessionId : undefined
  }

  /** The entry pass of the first page after sign-in. */
  entryPass(sessionId: string, attempt: 1 | 2, now: Date): string {
    const exp = Math.floor(now.getTime() / 1000) + this.entryTtlSeconds
    const nonce = randomBytes(12).toString('base64url')
    return `${nonce}.${attempt}.${exp}.${this.entryMac(sessionId, nonce, attempt, exp)}`
  }

  readEntryPass(sessionId: string, pass: unknown, now: Date): EntryPass | undefined {
    if (typeof pass !== 'string' || pass.length > 200) return undefined
    const [nonce, attemptText, expText, mac, extra] = pass.split('.')
    const attempt = attemptText === '1' ? 1 : attemptText === '2' ? 2 : undefined
    const exp = Number(expText)
    if (!nonce || !mac || !attempt || extra !== undefined || !Number.isInteger(exp) || exp * 1000 < now.getTime()) return undefined
    if (!constantTimeEqual(mac, this.entryMac(sessionId, nonce, attempt, exp))) return undefined
    return { nonce, attempt, expiresAt: new Date(exp * 1000) }
  }

  framing(request: FastifyRequest): Framing {
    const dest = request.headers['sec-fetch-dest']
    return dest === 'iframe' || dest === 'frame' ? 'frame' : dest === 'document' ? 'top' : 'unknown'
  }

  private presentedKeys(request: FastifyRequest): string[] {
    const prefix = `${this.cookieName}=`
    return (request.headers.cookie ?? '')
      .split(/;\s*/)
      .filter((c) => c.startsWith(prefix))
      .map((c) => c.slice(prefix.length))
      .filter((key) => this.isOurKey(key))
  }

  /** Keys are `<random>.<mac>`: only keys this gateway issued are kept and bound. */
  private newKey(): string {
    const random = randomBytes(24).toString('base64url')
    return `${random}.${this.hasher.hash(`shop-key:${random}`)}`
  }

  private isOurKey(key: string): boolean {
    const [random, mac, extra] = key.split('.')
    return Boolean(random && mac && extra === undefined) && constantTimeEqual(mac!, this.hasher.hash(`shop-key:${random}`))
  }

  private handleMac(sessionId: string, exp: number, key: string): string {
    return this.hasher.hash(`shop-handle:${sessionId}.${exp}.${key}`)
  }

  private entryMac(sessionId: string, nonce: string, attempt: number, exp: number): string {
    return this.hasher.hash(`shop-entry:${sessionId}.${nonce}.${attempt}.${exp}`)
  }
}
