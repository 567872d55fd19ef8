import t from 'tap'
import { checkCartPrices, checkPrices, type PriceBook } from '../../../src/domain/pricing/check.ts'
import type { PriceEntry } from '../../../src/domain/pricing/price-list.ts'

/**
 * A returned cart's price check (checkCartPrices) keeps the counts and only the lines that do not
 * agree; each of those is exactly what the full check (checkPrices) says of that line.
 */

const entry = (over: Partial<PriceEntry>): PriceEntry => ({
  sku: 'A-1', unitPrice: '10.0000', currency: 'EUR', validFrom: null, validTo: null, minQuantity: '0', ...over,
})
const book: PriceBook = {
  contracts: [
    entry({ unitPrice: '10.0000', validTo: '2026-12-31' }),
    entry({ unitPrice: '9.0000', minQuantity: '10', validTo: '2026-12-31' }),
    entry({ unitPrice: '8.5000', minQuantity: '100.5', validTo: '2026-12-31' }),
    entry({ unitPrice: '11.0000', validFrom: '2027-01-01' }),
    entry({ sku: 'D-4', unitPrice: '0.0825', currency: 'EUR' }),
  ],
  list: [{ sku: 'A-1', listPrice: '12.8000', currency: 'EUR' }, { sku: 'B-2', listPrice: '5.4900', currency: 'EUR' }],
}
const nov = new Date('2026-11-23T10:00:00Z')
const line = (over: Partial<{ sku: string; quantity: number; unitPrice: number; currency: string }>) => ({ sku: 'A-1', quantity: 1, unitPrice: 10, currency: 'EUR', ...over })

const LINES = [
  line({}), line({ quantity: 10, unitPrice: 9 }), line({ quantity: 9.999, unitPrice: 9 }), line({ quantity: 100.5, unitPrice: 8.5 }),
  line({ quantity: 100.499, unitPrice: 8.5 }), line({ unitPrice: 11 }), line({ currency: 'USD' }), line({ sku: 'B-2', unitPrice: 5.49 }),
  line({ sku: 'B-2', unitPrice: 5.5 }), line({ sku: 'C-3' }), line({ sku: 'D-4', quantity: 150, unitPrice: 0.0825 }), line({ unitPrice: 10.04 }),
]

for (const customer of [{}, { priceTolerance: '0.5', pricePolicy: 'refuse' as const }]) {
  t.test(`the lines that do not agree, as the full check has them (tolerance ${customer.priceTolerance ?? 0})`, async (t) => {
    const full = checkPrices(book, LINES, nov, customer)
    const cart = checkCartPrices(book, LINES, nov, customer)
    t.same(cart.lines, full.lines.filter((l) => l.result !== 'ok'))
    t.same({ ...cart, lines: undefined, checked: undefined }, { ...full, lines: undefined })
    t.equal(cart.checked, LINES.length)
  })
}

t.test('a cart that agrees records no lines', async (t) => {
  const cart = checkCartPrices(book, [line({}), line({ quantity: 12, unitPrice: 9 }), line({ sku: 'B-2', unitPrice: 5.49 })], nov, {})
  t.same([cart.checked, cart.mismatches, cart.unknown, cart.lines], [3, 0, 0, []])
})
