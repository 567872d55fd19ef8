/**
 * Masks credentials in a raw cXML body before it goes to the journal (docs/operations.md, "Logs and the journal").
 * Works on bytes, not on a parse: the journal also stores bodies that failed to parse, and
 * everything except the secret must stay byte-identical so support sees what was sent.
 * ASCII-compatible encodings are handled as latin1 (one char per byte, lossless round trip);
 * UTF-16 bodies are handled as 16-bit code units for the same reason.
 */

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

function utf16Order(raw: Buffer): 'le' | 'be' | undefined {
  if ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0x3c && raw[1] === 0x00)) return 'le'
  if ((raw[0] === 0xfe && raw[1] === 0xff) || (raw[0] === 0x00 && raw[1] === 0x3c)) return 'be'
  return undefined
}

/** A copy of `raw` with the content of every SharedSecret and CredentialMac replaced by `***`. */
export function redactSecrets(raw: Buffer): Buffer {
  const order = utf16Order(raw)
  if (order === undefined) return Buffer.from(redactText(raw.toString('latin1')), 'latin1')
  // UTF-16: work on whole code units; an odd trailing byte is carried over untouched.
  const even = Buffer.from(raw.subarray(0, raw.length - (raw.length % 2)))
  if (order === 'be') even.swap16()
  const redacted = Buffer.from(redactText(even.toString('utf16le')), 'utf16le')
  if (order === 'be') redacted.swap16()
  return Buffer.concat([redacted, raw.subarray(even.length)])
}
