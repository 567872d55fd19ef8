import { PunchgateError } from '../../errors/index.ts'
import {
  QUANTITY_DECIMALS, UNIT_PRICE_DECIMALS, currencyDecimals, formatAmount, toUnits, totalUnits,
} from '../../protocols/precision.ts'

interface PricedLine {
  sku: string
  quantity: number
  unitPrice: number
  currency: string
}

/** The carts table holds totals below 10^13 (numeric(18,4)); a larger one is a mistake, not an order. */
const MAX_TOTAL_WHOLE_UNITS = 10n ** 13n

const lineError = (n: number, line: PricedLine, message: string) =>
  new PunchgateError('PG_ERR_CART_INVALID', `Cart line ${n} (${line.sku}): ${message}`, { details: { line: n } })

/**
 * The cart total, from the quantities and prices exactly as they will be sent (docs/cxml.md,
 * "Numbers in a returned cart"). A quantity or a price that cannot be sent as it is — more
 * decimals than the message carries — is refused, naming the line, rather than rounded: 0.00001
 * would leave as 0, a price of 0.00005 as 0.0001. `currency` is the cart's; without a single
 * one (an OCI cart may mix), the total has two decimals.
 */
export function cartTotal(lines: readonly PricedLine[], currency: string | null): string {
  const exact = lines.map((line, i) => {
    const quantityUnits = toUnits(line.quantity, QUANTITY_DECIMALS)
    if (quantityUnits === undefined || quantityUnits === 0n) {
      throw lineError(i + 1, line, `quantity ${String(line.quantity)} cannot be sent as it is: quantities carry at most ${QUANTITY_DECIMALS} decimals and must not be 0.`)
    }
    const unitPriceUnits = toUnits(line.unitPrice, UNIT_PRICE_DECIMALS)
    if (unitPriceUnits === undefined) {
      throw lineError(i + 1, line, `unit price ${String(line.unitPrice)} cannot be sent as it is: unit prices carry at most ${UNIT_PRICE_DECIMALS} decimals.`)
    }
    return { quantityUnits, unitPriceUnits }
  })
  const units = totalUnits(exact, currency)
  if (units >= MAX_TOTAL_WHOLE_UNITS * 10n ** BigInt(currencyDecimals(currency))) {
    throw new PunchgateError('PG_ERR_CART_INVALID', 'The cart total is 10 000 000 000 000 or more; check the quantities and prices.')
  }
  return formatAmount(units, currency)
}
