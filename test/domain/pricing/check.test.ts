import t from 'tap'
import { checkPrices, refusesOrder, type PriceBook } from '../../../src/domain/pricing/check.ts'
import { deviationPercent, formatUnits, toUnits } from '../../../src/domain/pricing/decimal.ts'
import { conflictWith, contractPriceFor, type PriceEntry } from '../../../src/domain/pricing/price-list.ts'

/** Price checks (src/domain/pricing/check.ts) without a database: the rules, on plain data. */

const entry = (over: Partial<PriceEntry>): PriceEntry => ({
  sku: 'A-1', unitPrice: '10.0000', currency: 'EUR', validFrom: null, validTo: null, minQuantity: '0', ...over,
})
const book: PriceBook = {
  contracts: [
    entry({ unitPrice: '10.0000', validTo: '2026-12-31' }),
    entry({ unitPrice: '9.0000', minQuantity: '10', validTo: '2026-12-31' }),
    entry({ unitPrice: '11.0000', validFrom: '2027-01-01' }),
  ],
  list: [{ sku: 'A-1', listPrice: '12.8000', currency: 'EUR' }, { sku: 'B-2', listPrice: '5.4900', currency: 'EUR' }],
}
const nov = new Date('2026-11-23T10:00:00Z')
const line = (over: Partial<{ sku: string; quantity: number; unitPrice: number; currency: string }>) => ({ sku: 'A-1', quantity: 1, unitPrice: 10, currency: 'EUR', ...over })

t.test('decimals are exact: 0.1 + 0.2 is 0.3, half-up beyond the eighth digit', async (t) => {
  t.equal(toUnits(0.1) + toUnits(0.2), toUnits('0.3'))
  t.equal(formatUnits(toUnits('12.5000')), '12.50')
  t.equal(formatUnits(toUnits('0.000000005'), 0), '0.00000001')
  t.equal(deviationPercent(toUnits('10.05'), toUnits('10')), '0.50')
  t.equal(deviationPercent(toUnits('1'), toUnits('0')), null)
  t.throws(() => toUnits('1e3'))
})

t.test('the contract price valid that day, for that quantity, is expected', async (t) => {
  t.equal(contractPriceFor(book.contracts, 'A-1', '2026-11-23', 1)?.unitPrice, '10.0000')
  t.equal(contractPriceFor(book.contracts, 'A-1', '2026-11-23', 10)?.unitPrice, '9.0000', 'the quantity break applies from its minimum')
  t.equal(contractPriceFor(book.contracts, 'A-1', '2027-01-01', 50)?.unitPrice, '11.0000', 'the next period')
  t.equal(contractPriceFor(book.contracts, 'A-1', '2026-11-23')?.unitPrice, '10.0000', 'without quantity: the smallest')
})

t.test('a cart line is checked against contract, then list price, then none', async (t) => {
  const check = checkPrices(book, [line({}), line({ quantity: 12, unitPrice: 9 }), line({ sku: 'B-2', unitPrice: 5.49 }), line({ sku: 'C-3' })], nov, {})
  t.same(check.lines.map((l) => [l.expected.source, l.result]), [['contract', 'ok'], ['contract', 'ok'], ['list', 'ok'], ['none', 'unknown']])
  t.same([check.mismatches, check.unknown, check.policy, check.tolerancePercent, check.day], [0, 1, 'record', '0', '2026-11-23'])
})

t.test('a deviation beyond the tolerance is a mismatch, within it is not', async (t) => {
  const lines = [line({ unitPrice: 10.05 }), line({ unitPrice: 10.06 })]
  t.same(checkPrices(book, lines, nov, {}).lines.map((l) => l.result), ['mismatch', 'mismatch'], 'tolerance 0: any difference')
  const half = checkPrices(book, lines, nov, { priceTolerance: '0.50' })
  t.same(half.lines.map((l) => l.result), ['ok', 'mismatch'], 'exactly 0.5 % is within 0.5 %')
  t.equal(half.lines[1]!.deviationPercent, '0.60')
  t.match(half.lines[1]!.reason, /10\.06 EUR, expected 10\.00 \(contract price\)/)
})

t.test('another currency is a mismatch whatever the tolerance', async (t) => {
  const check = checkPrices(book, [line({ currency: 'USD' })], nov, { priceTolerance: 100 })
  t.equal(check.lines[0]!.result, 'mismatch')
  t.match(check.lines[0]!.reason, /currency USD, expected EUR/)
})

t.test('only the refuse policy with a mismatch refuses an order', async (t) => {
  const bad = [line({ unitPrice: 20 })]
  t.equal(refusesOrder(checkPrices(book, bad, nov, { pricePolicy: 'refuse' })), true)
  t.equal(refusesOrder(checkPrices(book, bad, nov, { pricePolicy: 'record' })), false)
  t.equal(refusesOrder(checkPrices(book, [line({})], nov, { pricePolicy: 'refuse' })), false)
})

t.test('prices conflict when validity and minimum quantity overlap, or the currency differs', async (t) => {
  const base = entry({ validFrom: '2026-01-01', validTo: '2026-06-30' })
  t.match(conflictWith(entry({ validFrom: '2026-06-30' }), base), /overlaps/, 'a shared last day overlaps')
  t.equal(conflictWith(entry({ validFrom: '2026-07-01' }), base), undefined)
  t.equal(conflictWith(entry({ minQuantity: '10.000' }), base), undefined, 'a quantity break is no overlap')
  t.match(conflictWith(entry({ minQuantity: '10', currency: 'USD' }), base), /one currency at a time/)
  t.equal(conflictWith(entry({ sku: 'B-2' }), base), undefined)
  t.equal(conflictWith({ ...base, id: 'x' }, { ...base, id: 'x' }), undefined, 'a price does not conflict with itself')
})
