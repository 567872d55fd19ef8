import t from 'tap'
import { currencyDecimals, formatAmount, formatUnits, toUnits, totalUnits } from '../../src/protocols/precision.ts'

t.test('currencies carry their ISO 4217 minor unit', async (t) => {
  t.same(['EUR', 'USD', 'JPY', 'KRW', 'BHD', 'KWD', 'OMR', 'JOD', 'TND'].map(currencyDecimals), [2, 2, 0, 0, 3, 3, 3, 3, 3])
})

t.test('a number is read as the sender wrote it, and refused when it needs more decimals', async (t) => {
  t.equal(toUnits(10.95, 4), 109500n)
  t.equal(toUnits(0.0825, 4), 825n)
  t.equal(toUnits(1e6, 3), 1000000000n)
  t.equal(toUnits(0.00001, 3), undefined, '0.00001 is not 0')
  t.equal(toUnits(0.00005, 4), undefined, 'a price of 0.00005 is not 0.0001')
  t.equal(toUnits(0.1 + 0.2, 4), undefined, 'binary noise is not an amount')
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 1e-7]) t.equal(toUnits(bad, 4), undefined, String(bad))
  t.equal(formatUnits(825n, 4, 2), '0.0825')
  t.equal(formatUnits(125000n, 4, 2), '12.50')
  t.equal(formatUnits(1500n, 3, 0), '1.5')
})

t.test('the total is the exact sum of the lines as sent, rounded once to the currency', async (t) => {
  const line = (quantity: number, unitPrice: number) => ({ quantityUnits: toUnits(quantity, 3)!, unitPriceUnits: toUnits(unitPrice, 4)! })
  // 2 × 10.95 + 150 × 0.0825 = 21.90 + 12.375 = 34.275 → 34.28 (half-up on the exact decimal).
  t.equal(formatAmount(totalUnits([line(2, 10.95), line(150, 0.0825)], 'EUR'), 'EUR'), '34.28')
  // Three lines of 1.333 × 0.3333: each product exact, the sum rounded once.
  t.equal(formatAmount(totalUnits([line(1.333, 0.3333), line(1.333, 0.3333), line(1.333, 0.3333)], 'EUR'), 'EUR'), '1.33')
  t.equal(formatAmount(totalUnits([line(3, 333.5)], 'JPY'), 'JPY'), '1001')
  t.equal(formatAmount(totalUnits([line(1.5, 1.2345)], 'BHD'), 'BHD'), '1.852')
  t.equal(formatAmount(totalUnits([], 'EUR'), 'EUR'), '0.00')
})
