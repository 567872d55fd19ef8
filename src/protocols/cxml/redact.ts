/**
 * Masks credentials in a raw cXML body before it goes to the journal (docs/operations.md, "Logs and the journal").
 * Works on bytes, not on a parse: the journal also stores bodies that failed to parse, and
 * everything except the secret must stay byte-identical so support sees what was sent.
 * ASCII-compatible encodings are handled as latin1 (one char per byte, lossless round trip);
 * UTF-16 bodies are handled as 16-bit code units for the same reason.
 */
import { xmlCharset, type Charset } from './decode.ts'

const MASK = '***'
/** Elements whose content is a secret. Matched case-insensitively and with any namespace prefix. */
const SECRET_ELEMENTS = '(?:SharedSecret|CredentialMac)'

// Opening tag: `<SharedSecret>`, `<cxml:SharedSecret a="b">`, `< SharedSecret >` (malformed bodies too).
const OPEN_SOURCE = `<\\s*(?:[\\w.-]+:)?${SECRET_ELEMENTS}(?:\\s[^<>]*)?>`
const OPEN = new RegExp(OPEN_SOURCE, 'gi')
const OPEN_AT = new RegExp(OPEN_SOURCE, 'iy')
const CLOSE_AT = new RegExp(`<\\s*/\\s*(?:[\\w.-]+:)?${SECRET_ELEMENTS}\\s*>`, 'iy')
const COMMENT_AT = /<!--[\s\S]*?(?:-->|$)/y
const CDATA_AT = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)/y

function matchesAt(re: RegExp, text: string, at: number): number | undefined {
  re.lastIndex = at
  return re.test(text) ? re.lastIndex : undefined
}

/**
 * Index where the secret content starting at `from` ends: the matching close tag, skipping
 * comments and CDATA (a fake close tag inside them must not end the mask early). Without a
 * close tag (truncated or broken body) the mask runs to the first other tag, or to the end.
 * The scan stops at the next secret opening tag, which keeps the whole pass linear.
 */
function secretEnd(text: string, from: number): number {
  let firstTag: number | undefined
  let i = from
  for (;;) {
    const lt = text.indexOf('<', i)
    if (lt < 0) return firstTag ?? text.length
    const skipped = matchesAt(COMMENT_AT, text, lt) ?? matchesAt(CDATA_AT, text, lt)
    if (skipped !== undefined) {
      i = skipped
      continue
    }
    if (matchesAt(CLOSE_AT, text, lt) !== undefined) return lt
    if (matchesAt(OPEN_AT, text, lt) !== undefined) return firstTag ?? lt
    firstTag ??= lt
    i = lt + 1
  }
}

function redactText(text: string): string {
  let out = ''
  let last = 0
  OPEN.lastIndex = 0
  for (let m = OPEN.exec(text); m !== null; m = OPEN.exec(text)) {
    if (m[0].endsWith('/>')) continue // <SharedSecret/> has no content to hide
    const start = m.index + m[0].length
    const end = secretEnd(text, start)
    out += text.slice(last, start) + MASK
    last = end
    OPEN.lastIndex = Math.max(end, start)
  }
  return out + text.slice(last)
}

/** What the journal keeps of a body whose encoding the gateway cannot read (and so cannot mask). */
export const UNREADABLE_BODY = Buffer.from('[body in a character encoding the gateway does not read: not kept]', 'utf8')

/**
 * A copy of `raw` with the content of every SharedSecret and CredentialMac replaced by `***`.
 * The charset is decided exactly as the parser decides it (xmlCharset): a UTF-16 body named only
 * in the Content-Type is masked as UTF-16 too. A body in a charset the parser refuses is not
 * kept at all, since the masking could not read it either.
 */
export function redactSecrets(raw: Buffer, contentType?: string): Buffer {
  let charset: Charset
  try {
    charset = xmlCharset(raw, contentType).charset
  } catch {
    return UNREADABLE_BODY
  }
  if (charset !== 'utf-16le' && charset !== 'utf-16be') return Buffer.from(redactText(raw.toString('latin1')), 'latin1')
  // UTF-16: work on whole code units; an odd trailing byte is carried over untouched.
  const even = Buffer.from(raw.subarray(0, raw.length - (raw.length % 2)))
  if (charset === 'utf-16be') even.swap16()
  const redacted = Buffer.from(redactText(even.toString('utf16le')), 'utf16le')
  if (charset === 'utf-16be') redacted.swap16()
  return Buffer.concat([redacted, raw.subarray(even.length)])
}
