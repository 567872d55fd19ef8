import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SecretHasher } from '../../../domain/security/secrets.ts'
import { constantTimeEqual } from '../../../domain/security/secrets.ts'

const COOKIE = 'pg_shop'

/**
 * The built-in storefront's own login session, opened from a verified assertion: the punchout
 * session id and an expiry, MAC'd with the gateway's secret key. No password anywhere.
 */
export class ShopSessionCookie {
  constructor(private readonly hasher: SecretHasher, private readonly secure: boolean, private readonly ttlSeconds = 8 * 3600) {}

  set(reply: FastifyReply, sessionId: string, now: Date): void {
    const exp = Math.floor(now.getTime() / 1000) + this.ttlSeconds
    const value = `${sessionId}.${exp}.${this.mac(sessionId, exp)}`
    // Punchout often runs in the buyer's iframe: over https the cookie must be SameSite=None.
    const attrs = this.secure ? 'Secure; SameSite=None' : 'SameSite=Lax'
    reply.header('set-cookie', `${COOKIE}=${value}; Path=/shop; HttpOnly; ${attrs}; Max-Age=${this.ttlSeconds}`)
  }

  /** The punchout session id of a valid cookie, or undefined. */
  read(request: FastifyRequest, now: Date): string | undefined {
    const raw = (request.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1)
    const [sessionId, expText, mac] = raw?.split('.') ?? []
    const exp = Number(expText)
    if (!sessionId || !mac || !Number.isInteger(exp) || exp * 1000 < now.getTime()) return undefined
    return constantTimeEqual(mac, this.mac(sessionId, exp)) ? sessionId : undefined
  }

  /** A per-session token for the shop's forms (CSRF), since the cookie may be SameSite=None. */
  csrf(sessionId: string): string {
    return this.hasher.hash(`shop-csrf:${sessionId}`)
  }

  private mac(sessionId: string, exp: number): string {
    return this.hasher.hash(`shop-session:${sessionId}.${exp}`)
  }
}
