import { PunchgateError } from '../errors/index.ts'

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * Checks a return URL (cXML BrowserFormPost, OCI HOOK_URL) against the customer's allow-list and
 * returns the normalized URL to post to — never the raw string (docs/api.md, "Return-URL allow-list").
 * Allow-list entries are `[http://]host[:port][/path-prefix]`: https is required unless the entry
 * names http explicitly (a buyer's test system) or the host is local.
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
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(`scheme ${url.protocol.replace(/:$/, '')} is not allowed`)
  if (url.username || url.password) refuse('it carries a user name or password')
  const entries = allowList.map(parseEntry).filter((e): e is AllowEntry => e !== undefined)
  const hostMatches = entries.filter((e) => matchesHost(url, e))
  if (hostMatches.length === 0) refuse(`host ${url.host} is not on the customer's allow-list`)
  const httpAllowed = LOCAL_HOSTS.has(url.hostname) || hostMatches.some((e) => e.http)
  if (url.protocol === 'http:' && !httpAllowed) refuse('http is not allowed for this host (https only)')
  // WHATWG URL resolves `..` and `%2e%2e` segments but keeps `..%2f..%2f`: a receiving server that
  // decodes it would leave the allowed prefix, so encoded separators and dots are refused.
  if (ENCODED_SEPARATOR.test(url.pathname)) refuse('its path contains an encoded slash, backslash, dot or percent sign (%2F, %5C, %2E, %25)')
  if (!hostMatches.some((e) => matchesPath(url, e.pathPrefix))) refuse(`path ${url.pathname} is outside the allowed paths`)
  return url.href
}

const ENCODED_SEPARATOR = /%(?:2f|5c|2e|25)/i

interface AllowEntry {
  hostname: string
  port: string
  pathPrefix: string
  http: boolean
}

function parseEntry(entry: string): AllowEntry | undefined {
  const trimmed = entry.trim()
  const http = /^http:\/\//i.test(trimmed)
  try {
    const u = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`)
    return { hostname: u.hostname.replace(/\.$/, ''), port: u.port, pathPrefix: u.pathname, http }
  } catch {
    return undefined
  }
}

function matchesHost(url: URL, entry: AllowEntry): boolean {
  return url.hostname.replace(/\.$/, '') === entry.hostname && url.port === entry.port
}

function matchesPath(url: URL, prefix: string): boolean {
  if (prefix === '/' || prefix === '') return true
  return url.pathname === prefix || url.pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)
}
