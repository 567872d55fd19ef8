import type { FastifyInstance } from 'fastify'

const FORM = 'application/x-www-form-urlencoded'

type Injected = Awaited<ReturnType<FastifyInstance['inject']>>

/** The browser key cookie (`name=value`) of a storefront answer, if it set one. */
export function browserKeyCookie(res: Injected): string | undefined {
  const setCookie = res.headers['set-cookie']
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [String(setCookie)] : []
  return all.map((c) => c.split(';')[0]!).find((c) => /^(__Host-)?punchgate-shop=./.test(c))
}

/**
 * A browser, as far as the built-in storefront is concerned: signs in with the assertion, keeps
 * the browser key cookie, follows to the session's page and posts its forms there.
 */
export async function enterShop(app: FastifyInstance, loginPath: string, headers: Record<string, string> = {}) {
  const login = await app.inject({ method: 'GET', url: loginPath, headers })
  if (login.statusCode !== 303) throw new Error(`shop login: ${login.statusCode} ${login.body}`)
  const cookie = browserKeyCookie(login)!
  const next = login.headers.location as string
  const page = await app.inject({ method: 'GET', url: next, headers: { cookie } })
  /** The page's own path, `/shop/s/<handle>/`: its forms post below it. */
  const base = next.split('?')[0]!
  // A null cookie is a browser that does not send the key.
  const post = (action: string, payload = '', cookieHeader: string | null = cookie) =>
    app.inject({ method: 'POST', url: `${base}${action}`, headers: { 'content-type': FORM, ...(cookieHeader ? { cookie: cookieHeader } : {}) }, payload })
  const get = (cookieHeader: string | null = cookie, url = base) => app.inject({ method: 'GET', url, headers: cookieHeader ? { cookie: cookieHeader } : {} })
  return { login, cookie, next, base, page, post, get }
}
