/**
 * Lenient reading of the cXML `timestamp` attribute. The DTD wants ISO 8601 with a zone, but
 * real senders use `-0500` (no colon), no zone at all, Ruby's `Time#to_s` and even
 * placeholders (docs/cxml.md, "Buyer-system quirks"). A timestamp is informational for us, so we never refuse
 * a document for it: anything we cannot read gives `undefined` and the raw string is kept.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** Minutes east of UTC for `Z`, `+01:00`, `-0500`, `+01`, `UTC`, `GMT`; undefined when unreadable. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === '') return 0 // no zone: read as UTC rather than the server's local time
  if (/^(z|utc|gmt)$/i.test(zone)) return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (m === null) return undefined
  const hours = Number(m[2])
  const minutes = Number(m[3] ?? '0')
  if (hours > 14 || minutes > 59) return undefined
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

/** Build a Date from parts, refusing rolled-over values such as 31 February or 25:00. */
function fromParts(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number | undefined): Date | undefined {
  if (offset === undefined) return undefined
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined
  const local = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms)
  const check = new Date(local)
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined
  return new Date(local - offset * 60_000)
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$/i
// Ruby Time#to_s as an old Coupa fixture sends it: `Mon May 19 18:29:48 +0000 2008`.
const RUBY = /^[a-z]{3}\s+([a-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+([+-]\d{4}|UTC|GMT)\s+(\d{4})$/i
// RFC 2822 / HTTP-date style: `Mon, 19 May 2008 18:29:48 +0000`.
const RFC2822 = /^(?:[a-z]{3},\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+([+-]\d{4}|UTC|GMT|Z)$/i

function month(name: string): number {
  return MONTHS.indexOf(name.toLowerCase()) + 1
}

/** Parse a cXML timestamp leniently; undefined when it is not a date in any known shape. */
export function parseCxmlTimestamp(raw: string): Date | undefined {
  const value = raw.trim()
  let m = ISO.exec(value)
  if (m !== null) {
    const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'))
    return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms, offsetMinutes(m[8]))
  }
  m = RUBY.exec(value)
  if (m !== null) {
    return fromParts(Number(m[7]), month(m[1]!), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), 0, offsetMinutes(m[6]))
  }
  m = RFC2822.exec(value)
  if (m !== null) {
    return fromParts(Number(m[3]), month(m[2]!), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), 0, offsetMinutes(m[7]))
  }
  return undefined
}
