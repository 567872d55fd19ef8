/**
 * Structure-aware mutations of real inputs, for the fuzz tests (test/http/fuzz.test.ts): a cXML
 * document is cut into tokens (tags, text, comments, CDATA) so that whole elements and attributes
 * can be dropped, duplicated or replaced; an OCI call is a list of fields. Positions are drawn as
 * plain numbers and taken modulo what the input has, so fast-check can shrink a failure to the
 * smallest mutation that still breaks.
 */
import fc from 'fast-check'

type Tokens = string[]
type XmlMutation = (tokens: Tokens) => Tokens

const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[^>]*>|[^<]+/g

export const tokenize = (xml: string): Tokens => xml.match(TOKEN) ?? []

/** Somewhat above the 4 MiB cXML body limit, so that both sides of it are reached. */
const MAX_DOCUMENT = 5 * 1024 * 1024

const isStart = (tok: string) => /^<[A-Za-z_]/.test(tok) && !tok.endsWith('/>')
const isTag = (tok: string) => /^<[A-Za-z_/]/.test(tok)
const isText = (tok: string) => !tok.startsWith('<')

/** Indices of the tokens that satisfy `test`; `n` picks one of them. */
function pick(tokens: Tokens, test: (tok: string) => boolean, n: number): number | undefined {
  const at = tokens.flatMap((tok, i) => (test(tok) ? [i] : []))
  return at.length ? at[n % at.length] : undefined
}

/** The end (exclusive) of the element whose start tag is at `i`. */
function elementEnd(tokens: Tokens, i: number): number {
  let depth = 0
  for (let j = i; j < tokens.length; j++) {
    const tok = tokens[j]!
    if (isStart(tok)) depth++
    else if (tok.startsWith('</')) depth--
    if (depth === 0) return j + 1
  }
  return tokens.length
}

const atElement = (n: number, change: (tokens: Tokens, start: number, end: number) => Tokens): XmlMutation => (tokens) => {
  const i = pick(tokens, isStart, n)
  return i === undefined ? tokens : change(tokens, i, elementEnd(tokens, i))
}

const atTag = (n: number, change: (tag: string) => string): XmlMutation => (tokens) => {
  const i = pick(tokens, (tok) => isTag(tok) && !tok.startsWith('</'), n)
  if (i === undefined) return tokens
  const copy = [...tokens]
  copy[i] = change(copy[i]!)
  return copy
}

const ATTRIBUTE = /\s([^\s=]+)\s*=\s*("[^"]*"|'[^']*')/g
const attributesOf = (tag: string) => [...tag.matchAll(ATTRIBUTE)]

function changeAttribute(tag: string, n: number, change: (whole: string, name: string) => string): string {
  const attrs = attributesOf(tag)
  if (!attrs.length) return tag
  const a = attrs[n % attrs.length]!
  return tag.slice(0, a.index) + change(a[0], a[1]!) + tag.slice(a.index! + a[0].length)
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

/** Values real systems never send, and a few attackers do. */
export const oddValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\r\n', '\uFEFF', '\uD800', '&#9999999;', '&#xFFFFFF;', '&#0;', '&lt;script&gt;', ']]>', '-->', '__proto__',
    "'; DROP TABLE users;--", '${jndi:ldap://x}', 'PAßWORD', '%00', '9'.repeat(400), '-1', '1e309', 'NaN', '0x10', '2026-02-30T25:61:00Z'),
  fc.tuple(fc.constantFrom('x', 'é', '<a>', '&amp;', '\u{1F600}'), fc.integer({ min: 256, max: 70_000 })).map(([s, n]) => s.repeat(n)),
)

const HOSTILE_SNIPPETS = [
  '<!DOCTYPE cXML [<!ENTITY x "xxxxxxxxxx">]>',
  '<!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '&x;', '&#9999999;', '<![CDATA[', ']]>', '<!--', '<?pi x?>', '<__proto__><polluted>1</polluted></__proto__>',
  '<constructor/>', '<a:b xmlns:a="urn:x"/>', `${'<Extrinsic name="n">'.repeat(120)}`, '\u0000', '\uFEFF',
]

/** One structure-aware change to a cXML document. */
export const xmlMutation: fc.Arbitrary<XmlMutation> = fc.oneof(
  fc.nat().map((n) => atElement(n, (t, s, e) => [...t.slice(0, s), ...t.slice(e)])),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 })).map(([n, k]) => atElement(n, (t, s, e) => [...t.slice(0, e), ...Array.from({ length: k }, () => t.slice(s, e)).flat(), ...t.slice(e)])),
  fc.nat().map((n) => atElement(n, (t, s, e) => {
    // Many copies of one element (2000 Extrinsics, a cart of thousands of lines), up to ~5 MB.
    const copies = Math.min(2000, Math.floor(MAX_DOCUMENT / Math.max(1, t.slice(s, e).join('').length)))
    return [...t.slice(0, e), ...Array.from({ length: copies }, () => t.slice(s, e)).flat(), ...t.slice(e)]
  })),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): XmlMutation => (t) => {
    // One element moved into another: singular elements out of place, order broken.
    const i = pick(t, isStart, a)
    if (i === undefined) return t
    const moved = t.slice(i, elementEnd(t, i))
    const rest = [...t.slice(0, i), ...t.slice(elementEnd(t, i))]
    const j = pick(rest, isStart, b) ?? 0
    return [...rest.slice(0, j + 1), ...moved, ...rest.slice(j + 1)]
  }),
  fc.tuple(fc.nat(), oddValue, fc.boolean()).map(([n, v, escape]): XmlMutation => (t) => {
    const i = pick(t, isText, n)
    if (i === undefined) return t
    const copy = [...t]
    copy[i] = escape ? escapeXml(v) : v
    return copy
  }),
  fc.nat().map((n): XmlMutation => (t) => {
    const i = pick(t, isTag, n)
    return i === undefined ? t : [...t.slice(0, i), ...t.slice(i + 1)]
  }),
  fc.tuple(fc.nat(), fc.constantFrom('X', '__proto__', 'a:Identity', 'SharedSecret', 'Request', 'cXML', 'x'.repeat(5000))).map(([n, name]) =>
    atElement(n, (t, s, e) => {
      const copy = [...t]
      copy[s] = copy[s]!.replace(/^<([^\s/>]+)/, `<${name}`)
      if (e - 1 > s && copy[e - 1]!.startsWith('</')) copy[e - 1] = `</${name}>`
      return copy
    })),
  fc.tuple(fc.nat(), fc.nat()).map(([n, m]) => atTag(n, (tag) => changeAttribute(tag, m, () => ''))),
  fc.tuple(fc.nat(), fc.nat()).map(([n, m]) => atTag(n, (tag) => changeAttribute(tag, m, (whole) => `${whole}${whole}`))),
  fc.tuple(fc.nat(), fc.nat(), oddValue).map(([n, m, v]) => atTag(n, (tag) => changeAttribute(tag, m, (_w, name) => ` ${name}="${escapeXml(v)}"`))),
  fc.tuple(fc.nat(), fc.constantFrom(' a="1"', ' xmlns="urn:other"', ' __proto__="x"', ' b=unquoted', ' c="<"', ' d="&#9999999;"', ` ${'e'.repeat(5000)}="1"`,
    Array.from({ length: 3000 }, (_, i) => ` a${i}="${i}"`).join(''))).map(([n, extra]) => atTag(n, (tag) => tag.replace(/(\/?>)$/, `${extra}$1`))),
  fc.tuple(fc.nat(), fc.constantFrom(...HOSTILE_SNIPPETS)).map(([n, snippet]): XmlMutation => (t) => {
    const i = t.length ? n % (t.length + 1) : 0
    return [...t.slice(0, i), snippet, ...t.slice(i)]
  }),
  fc.nat().map((n): XmlMutation => (t) => t.slice(0, t.length ? n % t.length : 0)),
)

/** How the mutated text becomes bytes: its declared encoding changed, re-encoded, bytes corrupted. */
export const byteMutation: fc.Arbitrary<(xml: string) => Buffer> = fc.oneof(
  { weight: 12, arbitrary: fc.constant((xml: string) => Buffer.from(xml, 'utf8')) },
  { weight: 1, arbitrary: fc.constantFrom('UTF-16', 'ISO-8859-1', 'windows-1252', 'Shift_JIS', 'UTF-32', 'bogus', 'UTF-8"?><x', '').map((enc) => (xml: string) =>
    Buffer.from(xml.replace(/encoding="[^"]*"/, `encoding="${enc}"`), 'utf8')) },
  { weight: 1, arbitrary: fc.tuple(fc.boolean(), fc.boolean()).map(([bom, declare]) => (xml: string) => {
    const text = declare ? xml.replace(/encoding="[^"]*"/, 'encoding="UTF-16"') : xml
    return Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')])
  }) },
  { weight: 1, arbitrary: fc.constant((xml: string) => Buffer.from(xml, 'latin1')) },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, bytes]) => (xml: string) => {
    const b = Buffer.from(xml, 'utf8')
    const i = n % (b.length + 1)
    return Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)])
  }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => () => Buffer.from(bytes)) },
)

/** The Content-Type a cXML client might send with it. */
export const xmlContentType: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('text/xml; charset=utf-8', 'text/xml', 'application/xml') },
  { weight: 2, arbitrary: fc.constantFrom('text/xml; charset=UTF-16', 'text/xml; charset=iso-8859-1', 'text/xml; charset=bogus',
    'text/xml; charset="utf-8"', 'text/xml;charset=', 'TEXT/XML; CHARSET=UTF-8', 'application/json', 'text/plain') },
)

/** Mutations compound (a duplicated root, duplicated again): what grows past the cap is cut off. */
function capped(tokens: Tokens): Tokens {
  let size = 0
  const end = tokens.findIndex((tok) => (size += tok.length) > MAX_DOCUMENT)
  return end === -1 ? tokens : tokens.slice(0, end)
}

/** A mutated cXML request: 1–4 structural changes, then the bytes. */
export const mutatedXml = (seeds: string[]) =>
  fc.record({
    seed: fc.nat({ max: seeds.length - 1 }),
    mutations: fc.array(xmlMutation, { minLength: 1, maxLength: 4 }),
    bytes: byteMutation,
    contentType: xmlContentType,
  }).map(({ seed, mutations, bytes, contentType }) => ({
    seed,
    contentType,
    body: bytes(mutations.reduce((tokens, m) => capped(m(tokens)), tokenize(seeds[seed]!)).join('')),
  }))

type Fields = Array<[string, string]>
type FieldMutation = (fields: Fields) => Fields

const FIELD_NAMES = ['USERNAME', 'PASSWORD', 'HOOK_URL', 'FUNCTION', 'PRODUCTID', 'SEARCHSTRING', 'OCI_VERSION', 'password', 'PAßWORD', 'PAſſWORD',
  '%50ASSWORD', 'SY-UNAME', 'USER_EMAIL', '~OkCode', '~TARGET', '__proto__', 'constructor', '']

const atField = (n: number, change: (fields: Fields, i: number) => Fields): FieldMutation => (fields) =>
  fields.length ? change(fields, n % fields.length) : fields

const fieldMutation: fc.Arbitrary<FieldMutation> = fc.oneof(
  fc.nat().map((n) => atField(n, (f, i) => [...f.slice(0, i), ...f.slice(i + 1)])),
  fc.tuple(fc.nat(), oddValue).map(([n, v]) => atField(n, (f, i) => [...f.slice(0, i + 1), [f[i]![0], v], ...f.slice(i + 1)])),
  fc.tuple(fc.nat(), oddValue).map(([n, v]) => atField(n, (f, i) => f.map((x, j): [string, string] => (j === i ? [x[0], v] : x)))),
  fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...FIELD_NAMES), oddValue)).map(([n, name]) => atField(n, (f, i) => f.map((x, j): [string, string] => (j === i ? [name, x[1]] : x)))),
  fc.tuple(fc.constantFrom(...FIELD_NAMES), oddValue).map(([name, v]): FieldMutation => (f) => [...f, [name, v]]),
  fc.constantFrom<[string, string]>(['FUNCTION', 'VALIDATE'], ['FUNCTION', 'BACKGROUND_SEARCH'], ['FUNCTION', 'DETAIL'], ['FUNCTION', 'QUANTITY_CHECK'],
    ['FUNCTION', 'SOURCING'], ['PRODUCTID', 'DEMO-1'], ['HOOK_URL', 'javascript:alert(1)'], ['HOOK_URL', 'https://srm.buyer.example.com@evil.test/']).map((pair): FieldMutation => (f) => [...f, pair]),
)

/** Percent-encodes like a form, then lets a few bytes through raw or broken (`%zz`, a lone `%C3`). */
const BROKEN_ESCAPES = ['%', '%zz', '%C3', '%E2%82', '%%', '+', '&&', '=', ';']

const encodeFields = (fields: Fields, charset: 'utf8' | 'latin1') =>
  fields.map(([k, v]) => `${encodeField(k, charset)}=${encodeField(v, charset)}`).join('&')

function encodeField(s: string, charset: 'utf8' | 'latin1'): string {
  return [...Buffer.from(s, charset)].map((b) => (/[A-Za-z0-9*\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')
}

export interface OciCall {
  method: 'GET' | 'POST'
  url: string
  contentType?: string
  body?: Buffer
}

/** A mutated OCI login: field changes, then sent as a query string or a form in some charset. */
export const mutatedOci = (seed: Fields) =>
  fc.record({
    mutations: fc.array(fieldMutation, { minLength: 1, maxLength: 4 }),
    method: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
    charset: fc.constantFrom<'utf8' | 'latin1'>('utf8', 'latin1'),
    broken: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...BROKEN_ESCAPES)) }),
    contentType: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8') },
      { weight: 2, arbitrary: fc.constantFrom('application/x-www-form-urlencoded; charset=iso-8859-1', 'application/x-www-form-urlencoded; charset=bogus', 'text/xml', 'application/json') },
    ),
    // A form of random bytes one time in ten.
    rawBody: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) }),
  }).map(({ mutations, method, charset, broken, contentType, rawBody }): OciCall => {
    let encoded = encodeFields(mutations.reduce((f, m) => m(f), seed), charset)
    if (broken) {
      const i = broken[0] % (encoded.length + 1)
      encoded = encoded.slice(0, i) + broken[1] + encoded.slice(i)
    }
    if (method === 'GET') return { method, url: `/punchout/oci?${encoded}` }
    return { method, url: '/punchout/oci', contentType, body: rawBody ? Buffer.from(rawBody) : Buffer.from(encoded, 'latin1') }
  })
