import t from 'tap'
import { checkCart, type CartRule } from '../../../src/domain/carts/cart-checks.ts'
import { CART_RULE_PRESETS, buyerSystemOf, cartChecksSchema, resolveCartChecks } from '../../../src/domain/provisioning/cart-rules.ts'
import { PRESET_NAMES } from '../../../src/domain/provisioning/identity-presets.ts'
import type { CartLine } from '../../../src/protocols/cxml/types.ts'
import { UN_CEFACT_UNITS } from '../../../src/protocols/uom-codes.ts'

/** Cart checks (src/domain/carts/cart-checks.ts) on plain lines: each rule, the presets, a customer's changes. */

const line = (over: Partial<CartLine> = {}): CartLine => ({
  sku: 'GLV-NIT-L', quantity: 2, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, size L', unitOfMeasure: 'BX',
  classification: { domain: 'UNSPSC', code: '46181504' }, auxiliaryId: 's/1', ...over,
})
const rulesOf = (lines: CartLine[], preset: string, cartChecks: unknown = {}, protocol: 'cxml' | 'oci' = 'cxml') =>
  checkCart(lines, resolveCartChecks(preset, cartChecks, protocol)).map((f) => [f.line, f.sku, f.rule])

t.test('a line every buyer system accepts has no findings under any preset', async (t) => {
  for (const preset of PRESET_NAMES) t.same(rulesOf([line()], preset), [], preset)
  t.same(rulesOf([line()], 'sap-oci', {}, 'oci'), [])
})

t.test('each rule, named with its line and SKU', async (t) => {
  const cases: Array<[CartRule, Partial<CartLine>, string, Record<string, unknown>?]> = [
    ['unit.unknown', { unitOfMeasure: 'BOXX' }, 'generic'],
    ['classification.missing', { classification: undefined }, 'coupa'],
    ['classification.malformed', { classification: { domain: 'UNSPSC', code: '4618150' } }, 'generic'],
    ['classification.malformed', { classification: { domain: 'custom', code: 'X1' } }, 'ariba'],
    ['description.too_long', { description: 'x'.repeat(241) }, 'oracle'],
    ['field.too_long', { sku: 'S'.repeat(26) }, 'oracle'],
    ['quantity.range', { quantity: 500 }, 'generic', { rules: { maxQuantity: 100 } }],
    ['price.range', { unitPrice: 0 }, 'generic', { rules: { allowZeroPrice: false } }],
    ['extrinsic.missing', {}, 'generic', { rules: { requiredExtrinsics: ['CostCenter'] } }],
  ]
  for (const [rule, over, preset, config] of cases) {
    t.same(rulesOf([line({ extrinsics: { CostCenter: '4711' } }), line({ ...over, sku: over.sku ?? 'BAD-1' })], preset, config ?? {})
      .filter(([n]) => n === 2), [[2, over.sku ?? 'BAD-1', rule]], `${rule} (${preset})`)
  }
})

t.test('a cart carries one currency: each line in another is named', async (t) => {
  t.same(rulesOf([line(), line({ currency: 'USD', sku: 'B' }), line({ sku: 'C' })], 'generic'), [[2, 'B', 'currency.mixed']])
})

t.test('UNSPSC: 8 digits, or 10 with the business-function digits; never segment 00', async (t) => {
  const unspsc = (code: string) => rulesOf([line({ classification: { domain: 'unspsc', code } })], 'coupa').length
  t.same(['46181504', '4618150400', '4618150', '461815041', 'ean1234', '00181504'].map(unspsc), [0, 0, 1, 1, 1, 1])
})

t.test('SAP over OCI: the OCI field lengths, whatever the identity profile', async (t) => {
  t.equal(buyerSystemOf('generic', 'oci'), 'sap-oci')
  t.equal(buyerSystemOf({ preset: 'coupa', fields: {} }, 'cxml'), 'coupa')
  t.equal(buyerSystemOf('sap-oci', 'cxml'), 'generic', 'SAP Business Network speaks cXML as any buyer')
  t.same(rulesOf([line({ description: 'x'.repeat(41) })], 'generic', {}, 'oci'), [[1, 'GLV-NIT-L', 'description.too_long']])
  t.same(rulesOf([line({ classification: { domain: 'UNSPSC', code: '4618150400' } })], 'generic', {}, 'oci'), [], 'MATGROUP 10')
  t.same(rulesOf([line({ classification: { domain: 'eCl@ss', code: '24-22-01-02-x' } })], 'generic', {}, 'oci'), [[1, 'GLV-NIT-L', 'field.too_long']])
})

t.test('a customer tightens or widens its preset; lists of extra units and extrinsics add to it', async (t) => {
  t.same(rulesOf([line({ classification: undefined })], 'generic', { rules: { requireClassification: true } }), [[1, 'GLV-NIT-L', 'classification.missing']])
  t.same(rulesOf([line({ classification: undefined })], 'coupa', { rules: { requireClassification: false } }), [])
  t.same(rulesOf([line({ unitOfMeasure: 'box' })], 'generic', { rules: { extraUnits: ['box'] } }), [], 'extra units, any case')
  t.same(rulesOf([line({ unitOfMeasure: 'BOXX' })], 'generic', { rules: { unitCodes: false } }), [])
  t.same(rulesOf([line({ classification: { domain: 'eCl@ss', code: '24220102' } })], 'ariba', { rules: { classificationDomains: ['UNSPSC', 'eCl@ss'] } }), [])
  t.same(rulesOf([line({ description: 'x'.repeat(21) })], 'generic', { rules: { maxDescriptionLength: 20 } }), [[1, 'GLV-NIT-L', 'description.too_long']])
})

t.test('the settings are validated: unknown keys, bad policies and odd values are refused', async (t) => {
  t.same(cartChecksSchema.parse({}), { policy: 'warn', rules: {} }, 'warn by default')
  for (const bad of [{ policy: 'refuse' }, { rules: { requireUnspsc: true } }, { rules: { maxQuantity: -1 } }, { rules: { extraUnits: ['BOXES'] } }, { extra: 1 }]) {
    t.notOk(cartChecksSchema.safeParse(bad).success, JSON.stringify(bad))
  }
})

t.test('lengths count characters, not UTF-16 units', async (t) => {
  t.same(rulesOf([line({ description: '😀'.repeat(40) })], 'generic', {}, 'oci'), [], '40 emoji are 40 characters')
})

t.test('the unit list holds the codes procurement systems send', async (t) => {
  for (const code of ['EA', 'C62', 'H87', 'PCE', 'BX', 'PK', 'KGM', 'MTR', 'LTR', 'HUR', 'DAY', 'RM', 'XBX']) t.ok(UN_CEFACT_UNITS.has(code), code)
  t.notOk(UN_CEFACT_UNITS.has('BOX'))
  t.ok(Object.values(CART_RULE_PRESETS).every((p) => p.unitCodes))
})
