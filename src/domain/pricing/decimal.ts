/**
 * Money and quantities compared exactly: decimals as integers of 10⁻⁸ (bigint), so that 0.1 + 0.2
 * is 0.3 and a tolerance of 0.5 % is 0.5 %, never binary floating point's approximation.
 * Database decimals (numeric(14,4)) and cart numbers both fit without loss.
 */
import { formatUnits as formatScaled } from '../../protocols/precision.ts'

const SCALE = 8
const ONE = 10n ** BigInt(SCALE)

/** A decimal (text such as "12.50", or a number) as integer units of 10⁻⁸, half-up beyond the 8th digit. */
export function toUnits(value: string | number): bigint {
  const text = typeof value === 'number' ? numberText(value) : value.trim()
  const m = /^(-)?(\d+)(?:\.(\d*))?$/.exec(text)
  if (!m) throw new RangeError(`Not a decimal number: ${JSON.stringify(value)}`)
  const fraction = (m[3] ?? '').padEnd(SCALE + 1, '0')
  let units = BigInt(m[2]! + fraction.slice(0, SCALE))
  if (fraction.charCodeAt(SCALE) >= '5'.charCodeAt(0)) units += 1n
  return m[1] ? -units : units
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`Not a finite number: ${n}`)
  // Nine digits: the ninth rounds the eighth, as for text.
  return n.toFixed(SCALE + 1)
}

/** Units as decimal text with at least `minDecimals` digits and no trailing zeros beyond them. */
export const formatUnits = (units: bigint, minDecimals = 2): string => formatScaled(units, SCALE, minDecimals)

/** A decimal normalized for display: "12.5000" is "12.50". */
export const formatDecimal = (value: string | number, minDecimals = 2): string => formatUnits(toUnits(value), minDecimals)

/** (a - b) / b in percent, half-up to two decimals; null when b is zero. */
export function deviationPercent(a: bigint, b: bigint): string | null {
  if (b === 0n) return null
  // Percent × 100 (two decimals), rounded half away from zero.
  const scaled = (a - b) * 10_000n * 2n
  const q = scaled / b
  const rounded = (q + (q < 0n ? -1n : 1n)) / 2n
  return formatUnits(rounded * (ONE / 100n), 2)
}

/** Whether `a` differs from `b` by more than `tolerancePercent` percent of `b`. */
export function beyondTolerance(a: bigint, b: bigint, tolerancePercent: bigint): boolean {
  const diff = a > b ? a - b : b - a
  const base = b < 0n ? -b : b
  return diff * 100n * ONE > base * tolerancePercent
}
