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
 * Round half-up to `decimals` places on the decimal value a person would read, not on the
 * binary one: 1.005 → 1.01 (plain `toFixed` gives 1.00). Only for non-negative values.
 */
export function roundDecimal(value: number, decimals: number): number {
  if (value === 0) return 0
  const [mantissa, exponent = '0'] = value.toPrecision(15).split('e')
  return Number(`${Math.round(Number(`${mantissa}e${Number(exponent) + decimals}`))}e-${decimals}`)
}

/** Dot decimal, at most `maxDecimals` places, no trailing zeros, never an exponent (value < 1e21). */
export function formatDecimal(value: number, maxDecimals: number): string {
  const fixed = roundDecimal(value, maxDecimals).toFixed(maxDecimals)
  const trimmed = maxDecimals > 0 ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed
  return trimmed === '-0' ? '0' : trimmed
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

const hasAtMostTwoDecimals = (v: number): boolean => {
  const clean = roundDecimal(v, 8) // strip binary noise (0.0125 * 100 = 1.2500000000000002)
  return roundDecimal(clean, 2) === clean
}

/**
 * Pick the PRICEUNIT so that PRICE needs at most 2 decimals: 0.0125 per piece → 1.25 per 100.
 * If no candidate is exact (0.33333…), the smallest one whose rounding error is under
 * 0.00005 per unit, which 10000 always satisfies.
 */
export function choosePriceUnit(unitPrice: number): number {
  for (const pu of PRICE_UNIT_CANDIDATES) if (hasAtMostTwoDecimals(unitPrice * pu)) return pu
  for (const pu of PRICE_UNIT_CANDIDATES) {
    if (Math.abs(roundDecimal(unitPrice * pu, 2) / pu - unitPrice) <= 0.00005) return pu
  }
  return PRICE_UNIT_CANDIDATES[PRICE_UNIT_CANDIDATES.length - 1]
}
