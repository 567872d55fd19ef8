/**
 * Bytes → string for inbound cXML. The charset is taken (in this order) from a byte-order
 * mark, the XML declaration's `encoding=`, the Content-Type `charset=` parameter, else UTF-8.
 * Decoding is strict: a body that is not valid in its declared encoding is refused rather
 * than silently repaired, because a mangled Identity or SharedSecret must never be compared.
 */
import { PunchgateError } from '../../errors/index.ts'

export type Charset = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'iso-8859-15' | 'us-ascii'

/**
 * Accepted labels → decoder. ISO-8859-1/latin1 are decoded as windows-1252 on purpose: that is
 * the WHATWG mapping every browser uses, it agrees on all printable Latin-1 characters, and
 * senders that declare ISO-8859-1 routinely send € (0x80) and curly quotes from windows-1252.
 */
const LABELS = new Map<string, Charset>(Object.entries({
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'utf-16': 'utf-16le', // refined by BOM/byte pattern in decodeXmlBody
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  'iso_8859-1': 'windows-1252',
  'iso-ir-100': 'windows-1252',
  latin1: 'windows-1252',
  l1: 'windows-1252',
  cp819: 'windows-1252',
  ibm819: 'windows-1252',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'x-cp1252': 'windows-1252',
  'iso-8859-15': 'iso-8859-15',
  'iso8859-15': 'iso-8859-15',
  latin9: 'iso-8859-15',
  'us-ascii': 'us-ascii',
  ascii: 'us-ascii',
} satisfies Record<string, Charset>)) // a Map: a label such as "constructor" must not hit Object.prototype

const encodingError = (message: string): PunchgateError => new PunchgateError('PG_ERR_CXML_ENCODING', message)

function lookup(label: string, source: string): Charset {
  const charset = LABELS.get(label.trim().toLowerCase())
  if (charset === undefined) {
    throw encodingError(
      `The ${source} names the character encoding "${label}", which is not supported; send the document as UTF-8 (or ISO-8859-1, windows-1252, UTF-16).`,
    )
  }
  return charset
}

/** The `encoding` pseudo-attribute of an XML declaration at the very start of `head`. */
function declaredEncoding(head: string): string | undefined {
  const decl = /^\s*<\?xml\s[^>]*?\?>/.exec(head)
  if (decl === null) return undefined
  return /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(decl[0])?.slice(1).find((v) => v !== undefined)
}

/** The `charset` parameter of a Content-Type header value, quotes removed. */
function contentTypeCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentType)
  return m === null ? undefined : (m[1] ?? m[2])
}

/** BOM or the UTF-16 byte pattern of a leading `<` (XML 1.0 appendix F) → charset and BOM length. */
function sniff(body: Buffer): { charset: Charset; bomLength: number } | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { charset: 'utf-8', bomLength: 3 }
  if (body[0] === 0xff && body[1] === 0xfe) return { charset: 'utf-16le', bomLength: 2 }
  if (body[0] === 0xfe && body[1] === 0xff) return { charset: 'utf-16be', bomLength: 2 }
  // `<` followed/preceded by a NUL: only UTF-16 produces that (NUL is never legal XML).
  if (body[0] === 0x3c && body[1] === 0x00) return { charset: 'utf-16le', bomLength: 0 }
  if (body[0] === 0x00 && body[1] === 0x3c) return { charset: 'utf-16be', bomLength: 0 }
  return undefined
}

const NAMES: Record<Charset, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'windows-1252': 'windows-1252 (ISO-8859-1)',
  'iso-8859-15': 'ISO-8859-15',
  'us-ascii': 'US-ASCII',
}

/**
 * windows-1252 bytes 0x80-0x9F (WHATWG table; undefined slots stay U+0081 etc.). Decoded by hand
 * because Node 20's TextDecoder('windows-1252') takes a latin1 fast path and returns U+0080
 * instead of € for 0x80 (regression since Node 20.18.3: nodejs/node#56542, #60888).
 */
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178'

function decodeWindows1252(bytes: Buffer): string {
  const text = bytes.toString('latin1')
  return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : text
}

function decodeWith(charset: Charset, bytes: Buffer): string {
  // Every byte is a character in windows-1252, so there is nothing to reject.
  if (charset === 'windows-1252') return decodeWindows1252(bytes)
  if (charset === 'us-ascii') {
    const bad = bytes.findIndex((b) => b > 0x7f)
    if (bad >= 0) throw encodingError(`The body is declared US-ASCII but byte ${bad} is 0x${bytes[bad]!.toString(16)}; declare the real encoding (usually UTF-8).`)
    return bytes.toString('latin1')
  }
  try {
    return new TextDecoder(charset, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    throw encodingError(`The body is not valid ${NAMES[charset]}: it contains byte sequences that encoding does not allow. Declare the encoding the document is really written in.`)
  }
}

/**
 * The charset an inbound XML body is read in, and the length of its byte-order mark. The one
 * decision both the parser and the journal's masking use (redact.ts), so they read the same
 * bytes the same way. Throws PG_ERR_CXML_ENCODING for an unsupported label or a UTF-16
 * declaration on an 8-bit body.
 */
export function xmlCharset(body: Buffer, contentType?: string): { charset: Charset; bomLength: number } {
  const sniffed = sniff(body)
  // A BOM (or UTF-16 byte pattern) is authoritative: the declaration was itself written in it.
  if (sniffed !== undefined) return sniffed
  // Without a BOM the declaration is ASCII-compatible bytes, so latin1 reads it faithfully.
  const label = declaredEncoding(body.subarray(0, 256).toString('latin1'))
  if (label !== undefined) {
    const charset = lookup(label, 'XML declaration')
    if (charset === 'utf-16le' || charset === 'utf-16be') {
      throw encodingError(
        `The XML declaration says encoding="${label}" but the body is 8-bit encoded (no byte-order mark, one byte per character); declare encoding="UTF-8" or send real UTF-16 with a byte-order mark.`,
      )
    }
    return { charset, bomLength: 0 }
  }
  const ctLabel = contentTypeCharset(contentType)
  const charset = ctLabel === undefined ? 'utf-8' : lookup(ctLabel, 'Content-Type charset parameter')
  // "UTF-16" without a BOM is big-endian by RFC 2781.
  if (charset === 'utf-16le' && ctLabel?.trim().toLowerCase() === 'utf-16') return { charset: 'utf-16be', bomLength: 0 }
  return { charset, bomLength: 0 }
}

/**
 * Decode an inbound XML body to a string without BOM. Throws PG_ERR_CXML_ENCODING for an
 * unsupported charset label, a UTF-16 declaration on an 8-bit body, or invalid bytes.
 */
export function decodeXmlBody(body: Buffer, contentType?: string): string {
  const { charset, bomLength } = xmlCharset(body, contentType)
  return decodeWith(charset, body.subarray(bomLength))
}
