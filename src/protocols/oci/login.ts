/**
 * OCI login (catalog start) call: SAP SRM / S/4 opens our OCI URL with GET or POST and passes
 * USERNAME, PASSWORD, HOOK_URL, `~OkCode`/`~TARGET`/`~CALLER`, OCI_VERSION and, for the
 * background calls, FUNCTION (docs/oci.md, "The login call"). Real example:
 * fixtures/oci/caterpillar-sis-oci-login-url-okcode-target-caller.txt (no HOOK_URL in the URL;
 * the buyer may post it separately, so query and body are merged).
 */
import { PunchgateError } from '../../errors/index.ts'
import type { IdentitySource } from '../identity-source.ts'
import { parseOciDecimal } from './format.ts'

export type OciFunction = 'DETAIL' | 'VALIDATE' | 'SOURCING' | 'BACKGROUND_SEARCH' | 'QUANTITY_CHECK'

export interface OciLogin {
  username: string
  password: string
  hookUrl?: string
  ociVersion?: string
  opiVersion?: string
  okCode?: string
  target?: string
  caller?: string
  returnTarget?: string
  /** Absent for the normal interactive catalog call. */
  function?: OciFunction
  productId?: string
  quantity?: number
  searchString?: string
  vendor?: string
  language?: string
  /** HTTP_CONTENT_CHARSET: the encoding the buyer wants for the cart post, when it says. */
  httpContentCharset?: string
  /** Every field, upper-cased names, PASSWORD removed (for identity profiles and the journal). */
  fields: Record<string, string>
  /** Every value of a repeated field (`ROLE=a&ROLE=b`), PASSWORD excluded; body wins over query. */
  fieldValues: Record<string, string[]>
}

// PRODUCTDETAILS is the OCI 3.0 name of DETAIL (docs/oci.md, "FUNCTIONs").
const FUNCTIONS = new Map<string, OciFunction>([
  ['DETAIL', 'DETAIL'], ['PRODUCTDETAILS', 'DETAIL'], ['VALIDATE', 'VALIDATE'], ['SOURCING', 'SOURCING'],
  ['BACKGROUND_SEARCH', 'BACKGROUND_SEARCH'], ['QUANTITY_CHECK', 'QUANTITY_CHECK'],
])

// Upper-casing already defuses `__proto__`; these are dropped anyway so no consumer that copies
// `fields` into a plain object literal can be surprised.
const FORBIDDEN_NAMES = new Set(['__PROTO__', 'CONSTRUCTOR', 'PROTOTYPE'])

/** Where the language arrives; SAP lets the admin name it (`sy-langu` style value). */
const LANGUAGE_FIELDS = ['LANGUAGE', 'LANGU', 'SAP-LANGUAGE', 'SY-LANGU', 'LANG']

const invalid = (message: string, details?: Record<string, unknown>): PunchgateError =>
  new PunchgateError('PG_ERR_OCI_INVALID', message, { details })

/** For messages: printable, short. */
const shown = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s)

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)

/**
 * application/x-www-form-urlencoded component → bytes → text in the declared charset.
 * Percent-escapes are bytes, not UTF-8 code units, so latin1 bodies decode correctly
 * (decodeURIComponent would throw on `%E4`).
 */
function decodeComponent(raw: Buffer, decoder: TextDecoder): string {
  const out = Buffer.allocUnsafe(raw.length)
  let n = 0
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c === 0x2b) out[n++] = 0x20
    else if (c === 0x25 && i + 2 < raw.length && isHex(raw[i + 1]!) && isHex(raw[i + 2]!)) {
      out[n++] = parseInt(raw.toString('latin1', i + 1, i + 3), 16)
      i += 2
    } else out[n++] = c
  }
  return decoder.decode(out.subarray(0, n))
}

/** One `name=value` pair of a form body, as raw bytes, with where its value lies in the body. */
interface RawPair {
  name: Buffer
  value: Buffer
  valueStart: number
  valueEnd: number
}

/** Split a body at `&` and the first `=` of each pair, still as raw bytes. */
function splitPairs(body: Buffer): RawPair[] {
  const pairs: RawPair[] = []
  let start = 0
  while (start <= body.length) {
    let end = body.indexOf(0x26, start)
    if (end === -1) end = body.length
    if (end > start) {
      const eq = body.indexOf(0x3d, start)
      const valueStart = eq === -1 || eq > end ? end : eq + 1
      pairs.push({ name: body.subarray(start, eq === -1 || eq > end ? end : eq), value: body.subarray(valueStart, end), valueStart, valueEnd: end })
    }
    start = end + 1
  }
  return pairs
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)"?/i)
  return m?.[1]
}

/**
 * Only ASCII-compatible charsets: in those a field name that reads PASSWORD is PASSWORD in the
 * raw bytes too, so the journal's byte-level redaction cannot be sidestepped (ISO-2022-JP or
 * UTF-16 would encode the name differently and smuggle the password into the journal).
 */
const SUPPORTED_CHARSETS = new Set(['utf-8', 'windows-1252', 'iso-8859-15', 'iso-8859-2'])

function makeDecoder(label: string): TextDecoder {
  let decoder: TextDecoder
  try {
    decoder = new TextDecoder(label, { fatal: true })
  } catch {
    throw invalid(`The body charset ${shown(label)} is not supported.`, { charset: label })
  }
  if (!SUPPORTED_CHARSETS.has(decoder.encoding)) {
    throw invalid(`The body charset ${shown(label)} is not supported; send UTF-8 or ISO-8859-1.`, { charset: label })
  }
  return decoder
}

/**
 * The decoder of a form body: the charset comes from Content-Type, else the HTML `_charset_`
 * field, else UTF-8 — and an undeclared body that is not valid UTF-8 is read as windows-1252.
 * The parser and the journal's masking (redactOciForm) both use it, so they read alike.
 */
function formDecoder(pairs: RawPair[], contentType: string | undefined): { decoder: TextDecoder; label?: string } {
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase()
  if (mediaType && mediaType !== 'application/x-www-form-urlencoded') {
    throw invalid(`The OCI body must be application/x-www-form-urlencoded, not ${shown(mediaType)}.`)
  }
  const latin1 = new TextDecoder('windows-1252')
  let label = charsetFromContentType(contentType)
  if (!label) {
    const field = pairs.find(({ name }) => decodeComponent(name, latin1).trim().toLowerCase() === '_charset_')
    if (field) label = decodeComponent(field.value, latin1).trim() || undefined
  }
  if (label) return { decoder: makeDecoder(label), label }
  const utf8 = makeDecoder('utf-8')
  try {
    for (const { name, value } of pairs) {
      decodeComponent(name, utf8)
      decodeComponent(value, utf8)
    }
    return { decoder: utf8 }
  } catch {
    // Undeclared and not UTF-8: most likely a non-Unicode SAP system sending ISO-8859-1
    // (our reading, not from a cited source), so read it as windows-1252, the WHATWG
    // superset of ISO-8859-1, which never fails.
    return { decoder: latin1 }
  }
}

function parseBody(body: Buffer, contentType: string | undefined): Array<[string, string]> {
  const pairs = splitPairs(body)
  const { decoder, label } = formDecoder(pairs, contentType)
  try {
    return pairs.map(({ name, value }) => [decodeComponent(name, decoder), decodeComponent(value, decoder)])
  } catch {
    throw invalid(`The body is not valid ${shown(label ?? 'UTF-8')}.`, { charset: label })
  }
}

/**
 * A field name as the OCI call means it: trimmed, ASCII letters upper-cased. Only ASCII: full
 * Unicode upper-casing turns `PAßWORD` and `PAſſWORD` into PASSWORD, a name no buyer system sends.
 */
export function ociFieldName(raw: string): string {
  return raw.trim().replace(/[a-z]+/g, (m) => m.toUpperCase())
}

/** What the journal keeps of a form it cannot read the way the parser would. */
const UNREADABLE_FORM = Buffer.from('[form in a character encoding the gateway does not read: not kept]', 'utf8')

/**
 * The form (body or query string bytes) with every PASSWORD value replaced by `***`, for the
 * journal. Pairs, names and charset are read exactly as the parser reads them, so the value the
 * parser takes as the password is the one masked — whole, line breaks included. A form the parser
 * could not decode is not kept at all.
 */
export function redactOciForm(raw: Buffer, contentType?: string): Buffer {
  const pairs = splitPairs(raw)
  const parts: Buffer[] = []
  let at = 0
  try {
    const { decoder } = formDecoder(pairs, contentType)
    for (const pair of pairs) {
      if (ociFieldName(decodeComponent(pair.name, decoder)) !== 'PASSWORD') continue
      parts.push(raw.subarray(at, pair.valueStart), MASKED)
      at = pair.valueEnd
    }
  } catch {
    return UNREADABLE_FORM
  }
  parts.push(raw.subarray(at))
  return Buffer.concat(parts)
}

const MASKED = Buffer.from('***')

/** Upper-cased name → value; the first occurrence of a name wins within one source. */
function collect(entries: Iterable<[string, string]>, into: Map<string, string>): Map<string, string> {
  const seen = new Set<string>()
  for (const [rawName, value] of entries) {
    const name = ociFieldName(rawName)
    if (name === '' || FORBIDDEN_NAMES.has(name) || seen.has(name)) continue
    seen.add(name)
    into.set(name, value)
  }
  return into
}

/** Upper-cased name → all its values; a source that has a name replaces the earlier source's values. */
function collectAll(entries: Iterable<[string, string]>, into: Map<string, string[]>): Map<string, string[]> {
  const fresh = new Map<string, string[]>()
  for (const [rawName, value] of entries) {
    const name = ociFieldName(rawName)
    if (name === '' || FORBIDDEN_NAMES.has(name)) continue
    fresh.set(name, [...(fresh.get(name) ?? []), value])
  }
  for (const [name, list] of fresh) into.set(name, list)
  return into
}

function* queryEntries(query: Record<string, string | string[]>): Generator<[string, string]> {
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') yield [name, v]
  }
}

function parseFunction(raw: string | undefined): OciFunction | undefined {
  const name = raw?.trim().toUpperCase()
  if (!name) return undefined
  const fn = FUNCTIONS.get(name)
  if (!fn) {
    throw new PunchgateError('PG_ERR_OCI_FUNCTION_UNSUPPORTED', `The OCI FUNCTION ${shown(raw!.trim())} is not supported.`, {
      details: { function: raw!.trim().slice(0, 60) },
    })
  }
  return fn
}

/**
 * Parse a login call. Query and form body are merged (body wins) and names are matched
 * case-insensitively (docs/oci.md, "Buyer-system quirks"; the Caterpillar
 * URL spells `~OkCode`). Throws PG_ERR_OCI_INVALID (no USERNAME, bad QUANTITY, body not
 * form-encoded or not in its charset, DETAIL/VALIDATE without PRODUCTID, BACKGROUND_SEARCH
 * without SEARCHSTRING) and PG_ERR_OCI_FUNCTION_UNSUPPORTED (unknown FUNCTION).
 */
export function parseOciLogin(query: Record<string, string | string[]> | Buffer, body: Buffer | undefined, contentType?: string): OciLogin {
  // A query given as bytes is read like a form body without a declared charset.
  const fromQuery = Buffer.isBuffer(query) ? parseBody(query, undefined) : [...queryEntries(query)]
  const fromBody = body && body.length > 0 ? parseBody(body, contentType) : []
  const merged = collect(fromBody, collect(fromQuery, new Map()))
  const values = collectAll(fromBody, collectAll(fromQuery, new Map()))

  const raw = (name: string): string | undefined => merged.get(name)
  const text = (name: string): string | undefined => {
    const v = merged.get(name)?.trim()
    return v ? v : undefined
  }

  const username = raw('USERNAME')
  if (username === undefined || username.trim() === '') throw invalid('The OCI call has no USERNAME.')

  const fn = parseFunction(raw('FUNCTION'))
  let quantity: number | undefined
  const quantityRaw = text('QUANTITY')
  if (quantityRaw !== undefined) {
    quantity = parseOciDecimal(quantityRaw)
    if (quantity === undefined) throw invalid(`QUANTITY ${shown(quantityRaw)} is not a number.`)
  }
  const productId = text('PRODUCTID')
  const searchString = text('SEARCHSTRING')
  if ((fn === 'DETAIL' || fn === 'VALIDATE') && productId === undefined) {
    throw invalid(`FUNCTION ${fn} needs a PRODUCTID.`)
  }
  if (fn === 'BACKGROUND_SEARCH' && searchString === undefined) throw invalid('FUNCTION BACKGROUND_SEARCH needs a SEARCHSTRING.')

  // Control characters (NUL above all) cannot be stored and have no place in any OCI field.
  for (const [name, list] of values) {
    if (CONTROL.test(name) || list.some((v) => CONTROL.test(v))) throw invalid(`The field ${shown(name.replace(CONTROL, '?'))} contains a control character.`)
  }
  const fields = Object.fromEntries([...merged].filter(([name]) => name !== 'PASSWORD'))
  const fieldValues = Object.fromEntries([...values].filter(([name]) => name !== 'PASSWORD'))
  const login: OciLogin = { username, password: raw('PASSWORD') ?? '', fields, fieldValues }
  const set = <K extends keyof OciLogin>(key: K, value: OciLogin[K] | undefined): void => {
    if (value !== undefined) login[key] = value
  }
  set('hookUrl', text('HOOK_URL')) // trimmed only; its own query string stays as sent (docs/oci.md, "The login call")
  set('ociVersion', text('OCI_VERSION'))
  set('opiVersion', text('OPI_VERSION'))
  // Echoed back verbatim with the cart, so kept raw (an empty value is still echoed).
  set('okCode', raw('~OKCODE'))
  set('target', raw('~TARGET'))
  set('caller', raw('~CALLER'))
  set('returnTarget', text('RETURNTARGET'))
  set('function', fn)
  set('productId', productId)
  set('quantity', quantity)
  set('searchString', searchString)
  set('vendor', text('VENDOR'))
  set('language', LANGUAGE_FIELDS.map(text).find((v) => v !== undefined))
  set('httpContentCharset', text('HTTP_CONTENT_CHARSET'))
  return login
}

// Tab, CR and LF may occur in long texts; every other C0 control and DEL may not.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

function isPasswordName(rawName: string): boolean {
  let name = rawName.replace(/\+/g, ' ')
  try {
    name = decodeURIComponent(name)
  } catch {
    name = name.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
  }
  // `&amp;PASSWORD=` when the URL was copied out of HTML.
  return name.trim().toUpperCase().replace(/^AMP;/, '') === 'PASSWORD'
}

/**
 * Replace the PASSWORD value in a query string, URL or form body with `***` for the journal
 * and logs. The name matches in any case and percent-encoded (`%50assword`); the value runs to
 * the next `&` or line end, so a stray `;` or `#` in a password is redacted too.
 */
export function redactOciPassword(raw: string): string {
  return raw.replace(/(^|[?&])([^=&?\r\n]*)=([^&\r\n]*)/gm, (match, sep: string, name: string) =>
    isPasswordName(name) ? `${sep}${name}=***` : match,
  )
}

/** The protocol-neutral view identity profiles read (protocol: 'oci', form fields only). */
export function identitySourceFromOci(login: OciLogin): IdentitySource {
  return { protocol: 'oci', extrinsics: [], contacts: [], header: {}, formFields: { ...login.fields }, formFieldValues: { ...login.fieldValues } }
}
