import { PunchgateError } from '../errors/index.ts'

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Checks a return URL (cXML BrowserFormPost, OCI HOOK_URL) against the customer's allow-list and
 * returns the normalized URL to post to — never the raw string (security.md §6.3).
 * Allow-list entries are `host[:port][/path-prefix]`; https is required except for local hosts.
 */
export function checkReturnUrl(raw: string, allowList: readonly string[]): string {
  const refuse = (why: string): never => {
    throw new PunchgateError('PG_ERR_RETURN_URL_REFUSED', `The return URL is refused: ${why}.`, { details: { url: raw } })
  }
  if (/[\s\\\u0000-\u001f\u007f]/.test(raw)) refuse('it contains whitespace, control characters or backslashes')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse('it is not an absolute URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname))) {
    refuse(`scheme ${url.protocol.replace(/:$/, '')} is not allowed (https only)`)
  }
  if (url.username || url.password) refuse('it carries a user name or password')
  const host = url.hostname.replace(/\.$/, '')
  const allowed = allowList.some((entry) => matchesEntry(url, host, entry))
  if (!allowed) refuse(`host ${url.host} is not on the customer's allow-list`)
  return url.href
}

function matchesEntry(url: URL, host: string, entry: string): boolean {
  let pattern: URL
  try {
    pattern = new URL(`${url.protocol}//${entry.trim()}`)
  } catch {
    return false
  }
  if (pattern.hostname.replace(/\.$/, '') !== host) return false
  if (pattern.port !== url.port) return false
  const prefix = pattern.pathname
  if (prefix === '/' || prefix === '') return true
  return url.pathname === prefix || url.pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)
}
