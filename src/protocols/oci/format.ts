/**
 * Text and number helpers for OCI values. OCI fields are fixed-length CHAR columns in the
 * buyer's SAP system, numbers use a dot decimal with no thousands separator and no exponent
 * (docs/oci.md, "Numbers"), and the buyer rejects or silently drops what does not fit.
 */

/** At most `max` Unicode code points; iterating the string never splits a surrogate pair. */
export function truncateCodePoints(value: string, max: number): string {
  const points = Array.from(value)
  return points.length <= max ? value : points.slice(0, max).join('')
}

export const codePointLength = (value: string): number => Array.from(value).length

// C0 controls and DEL have no meaning in a CHAR field and are not allowed in XML 1.0.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g

/** One-line field value: NFC, controls removed, line breaks and tabs folded to one space, trimmed. */
export function cleanLine(value: string | undefined): string {
  if (value === undefined || value === null) return ''
  return String(value).normalize('NFC').replace(CONTROLS, '').replace(/[\t\r\n]+/g, ' ').trim()
}

/** Multi-line text (LONGTEXT): NFC, controls removed, CRLF/CR as LF, outer blanks trimmed. */
export function cleanText(value: string | undefined): string {
  if (value === undefined || value === null) return ''
  return String(value).normalize('NFC').replace(/\r\n?/g, '\n').replace(CONTROLS, '').trim()
}

/**
 * Parse an inbound OCI number: surrounding blanks and a comma or dot decimal are accepted, as
 * parsers in the wild see both (docs/oci.md, "Numbers"; meplato/sapoci tests).
 * Thousands separators are refused: `1.000,5` is ambiguous. Returns undefined when invalid.
 */
export function parseOciDecimal(raw: string): number | undefined {
  const s = raw.trim()
  if (!/^(\d+([.,]\d*)?|[.,]\d+)$/.test(s)) return undefined
  const n = Number(s.replace(',', '.'))
  return Number.isFinite(n) ? n : undefined
}

/** The PRICEUNIT candidates tried in order: the classic "per 100 / per 1000" (docs/oci.md, "Numbers"). */
export const PRICE_UNIT_CANDIDATES = [1, 100, 1000, 10000] as const

/**
 * Pick the PRICEUNIT so that PRICE carries the unit price exactly: 0.0125 per piece → 1.25 per
 * 100. `unitPriceUnits` is the price in 10^-4 (src/protocols/precision.ts), `step` the units of
 * PRICE's last decimal; 10000 always fits a price with at most 4 decimals.
 */
export function choosePriceUnit(unitPriceUnits: bigint, step: bigint): number {
  return PRICE_UNIT_CANDIDATES.find((pu) => (unitPriceUnits * BigInt(pu)) % step === 0n) ?? PRICE_UNIT_CANDIDATES[PRICE_UNIT_CANDIDATES.length - 1]
}
