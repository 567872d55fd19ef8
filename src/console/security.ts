import { randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { constantTimeEqual, type SecretHasher } from '../domain/security/secrets.ts'

/**
 * The console's browser session (docs/console.md, "Security"): one cookie holding the agent's id
 * (none before sign-in), a random session id and an expiry, MAC'd with the gateway's secret key.
 * Nothing is stored server-side but a sign-out (a used key), so any replica can check a cookie.
 * The CSRF token of a form is derived from the session id: valid for this session only.
 */
export interface ConsoleCookie {
  /** The signed-in agent; undefined before sign-in (the sign-in form's own session). */
  agentId?: string
  /** Random per session: names the session for sign-out and derives its CSRF token. */
  sid: string
  expiresAt: Date
}

const SIGNED_IN_TTL_SECONDS = 8 * 3600
const ANONYMOUS_TTL_SECONDS = 3600

export class ConsoleSessions {
  readonly cookieName: string

  constructor(
    private readonly hasher: SecretHasher,
    private readonly secure: boolean,
  ) {
    // `__Host-` needs Secure and Path=/ and forbids Domain: the cookie stays on this exact origin.
    this.cookieName = secure ? '__Host-punchgate-console' : 'punchgate-console'
  }

  /** A fresh session (a new sid at each sign-in: a session id seen before sign-in is never promoted). */
  issue(agentId: string | undefined, now: Date): ConsoleCookie {
    const ttl = agentId ? SIGNED_IN_TTL_SECONDS : ANONYMOUS_TTL_SECONDS
    return { ...(agentId ? { agentId } : {}), sid: randomBytes(18).toString('base64url'), expiresAt: new Date(now.getTime() + ttl * 1000) }
  }

  /** The request's cookie, if its MAC is ours and it has not expired. */
  read(request: FastifyRequest, now: Date): ConsoleCookie | undefined {
    for (const value of cookieValues(request.headers.cookie, this.cookieName)) {
      const cookie = this.verify(value, now)
      if (cookie) return cookie
    }
    return undefined
  }

  write(reply: FastifyReply, cookie: ConsoleCookie, now: Date): void {
    const maxAge = Math.max(0, Math.floor((cookie.expiresAt.getTime() - now.getTime()) / 1000))
    reply.header('set-cookie', `${this.cookieName}=${this.seal(cookie)}; ${this.attributes()}; Max-Age=${maxAge}`)
  }

  clear(reply: FastifyReply): void {
    reply.header('set-cookie', `${this.cookieName}=; ${this.attributes()}; Max-Age=0`)
  }

  /** The CSRF token of a session's forms. */
  csrfToken(cookie: ConsoleCookie): string {
    return this.hasher.hash(`console-csrf|${cookie.sid}`)
  }

  csrfValid(cookie: ConsoleCookie, presented: string | null | undefined): boolean {
    return typeof presented === 'string' && constantTimeEqual(presented, this.csrfToken(cookie))
  }

  private attributes(): string {
    return this.secure ? 'Path=/; Secure; HttpOnly; SameSite=Lax' : 'Path=/; HttpOnly; SameSite=Lax'
  }

  private seal(cookie: ConsoleCookie): string {
    const payload = [cookie.agentId ?? '', cookie.sid, Math.floor(cookie.expiresAt.getTime() / 1000)].join('.')
    return `${payload}.${this.mac(payload)}`
  }

  private verify(value: string, now: Date): ConsoleCookie | undefined {
    const parts = value.split('.')
    if (parts.length !== 4) return undefined
    const [agentId, sid, exp, mac] = parts as [string, string, string, string]
    if (!constantTimeEqual(mac, this.mac(`${agentId}.${sid}.${exp}`))) return undefined
    const expiresAt = new Date(Number(exp) * 1000)
    if (!(expiresAt.getTime() > now.getTime()) || !sid) return undefined
    return { ...(agentId ? { agentId } : {}), sid, expiresAt }
  }

  private mac(payload: string): string {
    return this.hasher.hash(`console-session|${payload}`)
  }
}

/** Every value of cookie `name` in a Cookie header (a browser may send a stale duplicate). */
function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return []
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1))
}

/**
 * Whether a POST came from a console page, by what the browser says (Fetch Metadata, Origin).
 * Browsers send at least one of them on a form post; a request with neither (a script, a test)
 * still needs the session's CSRF token.
 */
export function sameOriginPost(request: FastifyRequest, publicOrigin: string): boolean {
  const site = request.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') return false
  const origin = request.headers.origin
  return origin === undefined || origin === publicOrigin
}

/** The console's CSP: nothing but inline style, and script only with the page's nonce. */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'nonce-${nonce}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ')
}

/** Headers on every console answer, pages, redirects and errors alike. */
export function secureHeaders(nonce: string): Record<string, string> {
  return {
    'content-security-policy': consoleCsp(nonce),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  }
}
