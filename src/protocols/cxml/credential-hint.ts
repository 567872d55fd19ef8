/**
 * The credential a cXML document presents, read from the head of its bytes without parsing or
 * decoding it. It keys a rate limit (docs/operations.md, "Rate limits"), so it must be cheap and
 * stable per sender, not exact: the Header comes first in a cXML document (cXML User's Guide,
 * "cXML Envelope"), and a document whose head it cannot read is limited by its address alone.
 */
const HEAD_BYTES = 16 * 1024

export interface CredentialHint {
  domain: string
  identity: string
  /** The SharedSecret as presented: part of the key, so a stranger's guesses count apart from the buyer's requests. */
  secret: string
}

/** The Sender credential (authentication), else the first From credential; undefined if neither is readable. */
export function cxmlCredentialHint(raw: Buffer): CredentialHint | undefined {
  const head = headText(raw.subarray(0, HEAD_BYTES))
  const section = /<Sender\b[\s\S]*?<\/Sender>/.exec(head)?.[0] ?? /<From\b[\s\S]*?<\/From>/.exec(head)?.[0]
  if (section === undefined) return undefined
  const identity = /<Identity\b[^>]*>([^<]*)<\/Identity>/.exec(section)?.[1]?.trim()
  if (!identity) return undefined
  const domain = /<Credential\b[^>]*?\sdomain\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(section)
  return {
    domain: (domain?.[1] ?? domain?.[2] ?? '').trim().toLowerCase(),
    identity,
    secret: /<SharedSecret\b[^>]*>([^<]*)<\/SharedSecret>/.exec(section)?.[1] ?? '',
  }
}

/**
 * UTF-16 (with or without a byte-order mark: every ASCII character has a zero byte beside it)
 * is decoded; anything else is read byte by byte, which keeps the markup of UTF-8 and the
 * single-byte encodings intact and maps each value to the same key every time.
 */
function headText(head: Buffer): string {
  const even = head.subarray(0, head.length - (head.length % 2))
  if (head[0] === 0xff && head[1] === 0xfe) return even.subarray(2).toString('utf16le')
  if (head[0] === 0xfe && head[1] === 0xff) return Buffer.from(even.subarray(2)).swap16().toString('utf16le')
  const probe = head.subarray(0, 64)
  let zeroEven = 0
  let zeroOdd = 0
  for (let i = 0; i < probe.length; i++) if (probe[i] === 0) i % 2 === 0 ? zeroEven++ : zeroOdd++
  if (zeroOdd > probe.length / 4) return even.toString('utf16le')
  if (zeroEven > probe.length / 4) return Buffer.from(even).swap16().toString('utf16le')
  return head.toString('latin1')
}
