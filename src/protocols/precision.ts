/**
 * Where quantities and money are rounded — decided once, for every protocol (docs/cxml.md,
 * "Numbers in a returned cart"):
 *
 * - a quantity has at most 3 decimals (OCI QUANTITY and the storefront's cart column allow 3);
 * - a unit price has at most 4 decimals, whatever the currency (a screw at 0.0825 EUR);
 * - an amount (the cart total) has exactly the currency's ISO 4217 minor unit: 0 for JPY, 3 for
 *   BHD, 2 for most.
 *
 * Nothing a storefront sends is rounded: a value needing more decimals is refused by the caller.
 * Arithmetic is on integers (BigInt) of the values exactly as sent, never on binary fractions.
 */

export const QUANTITY_DECIMALS = 3
export const UNIT_PRICE_DECIMALS = 4

/** ISO 4217 currencies whose minor unit is not 2 (the list's 0- and 3-decimal entries). */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
}

/**
 * The currency's minor unit (ISO 4217): how many decimals its amounts carry. Amounts without a
 * single currency (an OCI cart may mix them) carry two.
 */
export const currencyDecimals = (currency: string | null): number => (currency === null ? undefined : MINOR_UNITS[currency.toUpperCase()]) ?? 2

/**
 * A number as the sender wrote it (its shortest round-trip form: JSON `10.95` is "10.95"), in
 * units of 10^-decimals; undefined when it needs more decimals or is not a finite, non-negative
 * plain decimal. 0.00001 at 3 decimals is undefined, never 0.
 */
export function toUnits(value: number, decimals: number): bigint | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined
  const text = String(value)
  // An exponent means below 1e-6 or at least 1e21: more decimals than any limit here, or no amount.
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined
  const [whole, fraction = ''] = text.split('.') as [string, string?]
  if (fraction.length > decimals) return undefined
  return BigInt(whole + fraction.padEnd(decimals, '0'))
}

/** `units` × 10^-decimals as a plain decimal with at least `minDecimals` fraction digits (trailing zeros beyond trimmed). */
export function formatUnits(units: bigint, decimals: number, minDecimals = decimals): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  let fraction = digits.slice(digits.length - decimals)
  while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1)
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`
}

/** Half-up division of a non-negative integer: the one place an amount is rounded. */
const divideHalfUp = (n: bigint, d: bigint): bigint => (n * 2n + d) / (2n * d)

/** The exact product of a sent quantity and unit price, in units of 10^-(3+4). */
export const lineAmountUnits = (quantityUnits: bigint, unitPriceUnits: bigint): bigint => quantityUnits * unitPriceUnits

const LINE_SCALE = QUANTITY_DECIMALS + UNIT_PRICE_DECIMALS

/**
 * The cart total in the currency's minor unit: the exact sum of every line's quantity × unit
 * price as sent, rounded half-up once — what a buyer's validator computes from the message.
 */
export function totalUnits(lines: ReadonlyArray<{ quantityUnits: bigint; unitPriceUnits: bigint }>, currency: string | null): bigint {
  const exact = lines.reduce((sum, l) => sum + lineAmountUnits(l.quantityUnits, l.unitPriceUnits), 0n)
  return divideHalfUp(exact, 10n ** BigInt(LINE_SCALE - currencyDecimals(currency)))
}

/** An amount in the currency's minor unit, with exactly its decimals: `34.28` EUR, `1200` JPY, `1.250` BHD. */
export const formatAmount = (units: bigint, currency: string | null): string => formatUnits(units, currencyDecimals(currency))
