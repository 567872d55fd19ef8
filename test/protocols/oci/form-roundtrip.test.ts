import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildOciCartFields, type OciCartLine, type OciCartOptions } from '../../../src/protocols/oci/cart.ts'
import { renderAutoPostForm } from '../../../src/protocols/forms.ts'
import { forms, formInputs, ociItems } from '../../helpers/oci-form.ts'

const capture = readFileSync(
  new URL('../../../fixtures/oci/realworld-oci-hook-form-10-items-with-http-headers.html', import.meta.url),
  'utf8',
)

t.test('the helper reads the 10 items of the real-world capture', async (t) => {
  const items = ociItems(capture)
  t.same(items.map((i) => i.index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  const first = items[0]!.fields
  t.same(Object.keys(first), [
    'DESCRIPTION', 'QUANTITY', 'UNIT', 'PRICE', 'CURRENCY', 'PRICEUNIT', 'LEADTIME', 'LONGTEXT', 'MANUFACTMAT', 'EXT_PRODUCT_ID',
  ])
  t.equal(first.DESCRIPTION, 'MantisRegistered Elite Stereo-Betrachtungssystem mit Universalständer... E')
  t.equal(first.QUANTITY, '1.0')
  t.equal(first.UNIT, 'PCE')
  t.equal(first.PRICE, '00000001730.900')
  t.equal(first.CURRENCY, 'EUR')
  t.match(first.LONGTEXT, /^Klare, verzerrungsfreie.*Großfeldlupen.*\(ohne Objektive\)\.$/s)
  t.equal(items[3]!.fields.UNIT, 'PA')
  t.equal(items[2]!.fields.LEADTIME, '20')
  t.match(items[7]!.fields.LONGTEXT, /\(B x H\)\.\n\s+• Material: Karton/, 'multi-line long text kept')
  t.equal(items[9]!.fields.EXT_PRODUCT_ID, 'ECP55341E')
  t.equal(items[9]!.fields.DESCRIPTION, 'Ordnungsmappe Ordonator, A4, 12 Fächer, schwarz')

  const all = formInputs(capture)
  t.equal(all.filter(([n]) => n.startsWith('NEW_ITEM-')).length, 100)
  t.same(all.find(([n]) => n === '_snowman'), ['_snowman', '☃'], 'numeric character reference decoded')
  t.equal(forms(capture)[0]!.get('action'), 'http://return.to/me')
})

/** Read OCI items back into cart lines (inverse of buildOciCartFields for what it sends). */
function linesFrom(html: string): OciCartLine[] {
  return ociItems(html).map(({ fields: f }) => ({
    sku: f.EXT_PRODUCT_ID!,
    description: f.LONGTEXT ?? f.DESCRIPTION!,
    quantity: Number(f.QUANTITY),
    unitPrice: Number(f.PRICE) / Number(f.PRICEUNIT ?? '1'),
    currency: f.CURRENCY!,
    unitOfMeasure: f.UNIT!,
    ...(f.MATGROUP ? { matGroup: f.MATGROUP } : {}),
    ...(f.LEADTIME ? { leadTimeDays: Number(f.LEADTIME) } : {}),
    ...(f.MANUFACTMAT ? { manufacturerPartId: f.MANUFACTMAT } : {}),
    ...(f.TAX ? { tax: f.TAX } : {}),
  }))
}

t.test('our own form, read back through the same helper, gives the input cart', async (t) => {
  const lines: OciCartLine[] = [
    { sku: 'SKU-1', description: 'Hex screw M4x20 DIN 912, A2 stainless, "premium" <bulk> & more', quantity: 250, unitPrice: 0.0125, currency: 'EUR', unitOfMeasure: 'PCE', matGroup: '31161500', leadTimeDays: 2, tax: '19' },
    { sku: 'SKU-2', description: 'Ordnungsmappe Ordonator, A4, 7 Fächer', quantity: 1.5, unitPrice: 12.68, currency: 'EUR', unitOfMeasure: 'KGM', manufacturerPartId: '55321E' },
    { sku: 'SKU-3', description: 'Line one\nLine two 🔩 with a long second line', quantity: 3, unitPrice: 1730.9, currency: 'CHF', unitOfMeasure: 'MTR' },
  ]
  const options: OciCartOptions = { ociVersion: '5.0', unitSystem: 'iso', okCode: 'ADDI', target: '_top', caller: 'CTLG' }
  const fields = buildOciCartFields(lines, options)
  const html = renderAutoPostForm({
    action: 'https://srm.example.com/sap/bc/bsp/sap/bbp_oci_hook?sap-client=100', target: options.target,
    fields, charset: 'UTF-8', title: 'Cart', nonce: 'n',
  })
  t.same(formInputs(html), fields, 'every field, in order')
  t.same(linesFrom(html), lines)
  t.same(formInputs(html).slice(0, 3), [['~OkCode', 'ADDI'], ['~TARGET', '_top'], ['~CALLER', 'CTLG']])
})
