import { readFileSync } from 'node:fs'
import t from 'tap'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import {
  buildOciCartFields,
  buildOciXmlCart,
  buildOciXmlCartFields,
  OCI_XML_DOCUMENT_FIELD,
  OCI_XML_TYPE_FIELD,
  type OciCartLine,
  type OciCartOptions,
} from '../../../src/protocols/oci/cart.ts'
import { mapOciUnit, OCI_UNIT_TABLE, ociUnitTableMarkdown } from '../../../src/protocols/oci/units.ts'

const OPTS: OciCartOptions = { ociVersion: '4.0', unitSystem: 'iso' }

const line = (over: Partial<OciCartLine> = {}): OciCartLine => ({
  sku: 'SKU-1', description: 'Hex screw M4x20', quantity: 1, unitPrice: 1.5, currency: 'EUR', unitOfMeasure: 'PCE', ...over,
})

/** The value of one field (undefined when absent). */
const get = (fields: Array<[string, string]>, name: string): string | undefined => fields.find(([n]) => n === name)?.[1]
const names = (fields: Array<[string, string]>): string[] => fields.map(([n]) => n)
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

t.test('multi-line cart: 1-based indexes, field order, required fields', async (t) => {
  const fields = buildOciCartFields(
    [
      line({ matGroup: '31161500', leadTimeDays: 3, vendor: '100042', manufacturerCode: 'ACME', manufacturerPartId: 'A-4711' }),
      line({ sku: 'SKU-2', description: 'Paper A4', quantity: 5, unitPrice: 4.2, unitOfMeasure: 'RM' }),
      line({ sku: 'SKU-3', description: 'Cable', quantity: 12.5, unitPrice: 0.89, unitOfMeasure: 'MTR', contract: '4600000012', contractItem: '10', extQuoteId: 'Q-2024-17', extQuoteItem: '1', extSchemaType: 'UNSPSC', extCategoryId: '26121600' }),
    ],
    OPTS,
  )
  t.same(fields.slice(0, 13), [
    ['NEW_ITEM-DESCRIPTION[1]', 'Hex screw M4x20'],
    ['NEW_ITEM-MATGROUP[1]', '31161500'],
    ['NEW_ITEM-QUANTITY[1]', '1'],
    ['NEW_ITEM-UNIT[1]', 'PCE'],
    ['NEW_ITEM-PRICE[1]', '1.5'],
    ['NEW_ITEM-CURRENCY[1]', 'EUR'],
    ['NEW_ITEM-PRICEUNIT[1]', '1'],
    ['NEW_ITEM-LEADTIME[1]', '3'],
    ['NEW_ITEM-VENDOR[1]', '100042'],
    ['NEW_ITEM-VENDORMAT[1]', 'SKU-1'],
    ['NEW_ITEM-MANUFACTCODE[1]', 'ACME'],
    ['NEW_ITEM-MANUFACTMAT[1]', 'A-4711'],
    ['NEW_ITEM-EXT_PRODUCT_ID[1]', 'SKU-1'],
  ])
  t.same(names(fields).filter((n) => n.endsWith('[2]')), [
    'NEW_ITEM-DESCRIPTION[2]', 'NEW_ITEM-QUANTITY[2]', 'NEW_ITEM-UNIT[2]', 'NEW_ITEM-PRICE[2]', 'NEW_ITEM-CURRENCY[2]',
    'NEW_ITEM-PRICEUNIT[2]', 'NEW_ITEM-VENDORMAT[2]', 'NEW_ITEM-EXT_PRODUCT_ID[2]',
  ], 'optional fields without a value are not sent')
  t.equal(get(fields, 'NEW_ITEM-QUANTITY[3]'), '12.5')
  t.equal(get(fields, 'NEW_ITEM-CONTRACT[3]'), '4600000012')
  t.equal(get(fields, 'NEW_ITEM-CONTRACT_ITEM[3]'), '10')
  t.equal(get(fields, 'NEW_ITEM-EXT_QUOTE_ID[3]'), 'Q-2024-17')
  t.equal(get(fields, 'NEW_ITEM-EXT_SCHEMA_TYPE[3]'), 'UNSPSC')
  t.equal(get(fields, 'NEW_ITEM-EXT_CATEGORY_ID[3]'), '26121600')
  t.equal(names(fields).filter((n) => n.includes('[0]')).length, 0, 'no zero index')
  t.same(buildOciCartFields([], OPTS), [], 'an empty cart is just the (absent) echo')
})

t.test('long descriptions go whole into LONGTEXT_<n>:132[]', async (t) => {
  const long = 'Stereo viewing system with universal stand, LED lighting and dust cover'
  const fields = buildOciCartFields([line(), line({ description: long })], OPTS)
  t.equal(get(fields, 'NEW_ITEM-DESCRIPTION[2]'), long.slice(0, 40))
  t.equal(get(fields, 'NEW_ITEM-LONGTEXT_2:132[]'), long)
  t.equal(get(fields, 'NEW_ITEM-LONGTEXT_1:132[]'), undefined, 'short description: no long text')
  t.notOk(names(fields).some((n) => /LONGTEXT\[/.test(n)), 'never NEW_ITEM-LONGTEXT[n]')

  const given = buildOciCartFields([line({ longText: 'Line one\r\nLine two' })], OPTS)
  t.equal(get(given, 'NEW_ITEM-LONGTEXT_1:132[]'), 'Line one\nLine two', 'explicit long text, line breaks kept')
  t.equal(get(given, 'NEW_ITEM-DESCRIPTION[1]'), 'Hex screw M4x20')

  const multiLine = buildOciCartFields([line({ description: 'Two\nlines\tand\u0007bell' })], OPTS)
  t.equal(get(multiLine, 'NEW_ITEM-DESCRIPTION[1]'), 'Two lines andbell', 'one-line fields fold breaks, drop controls')
})

t.test('non-ASCII descriptions are truncated by code points', async (t) => {
  const umlauts = 'Größenverstellbarer Bürostuhl für Büroräume, schwarz'
  const fields = buildOciCartFields([line({ description: umlauts })], OPTS)
  t.equal(get(fields, 'NEW_ITEM-DESCRIPTION[1]'), Array.from(umlauts).slice(0, 40).join(''))
  t.equal(get(fields, 'NEW_ITEM-LONGTEXT_1:132[]'), umlauts)

  // 39 ASCII characters, then astral characters: a UTF-16 cut at 40 would split the pair.
  const astral = `${'x'.repeat(39)}𝔘𝔫𝔦𝔠𝔬𝔡𝔢`
  const cut = get(buildOciCartFields([line({ description: astral })], OPTS), 'NEW_ITEM-DESCRIPTION[1]')!
  t.equal(Array.from(cut).length, 40)
  t.equal(cut, `${'x'.repeat(39)}𝔘`)
  t.notMatch(cut, LONE_SURROGATE)

  const emoji = '🔩'.repeat(45)
  const emojiCut = get(buildOciCartFields([line({ description: emoji })], OPTS), 'NEW_ITEM-DESCRIPTION[1]')!
  t.equal(emojiCut, '🔩'.repeat(40))
  t.equal(emojiCut.length, 80, '80 UTF-16 units, 40 code points')

  const decomposed = 'Cafe\u0301 cre\u0300me'
  t.equal(get(buildOciCartFields([line({ description: decomposed })], OPTS), 'NEW_ITEM-DESCRIPTION[1]'), 'Café crème', 'NFC')
})

t.test('fractional quantities: dot decimal, at most 3 places, no exponent', async (t) => {
  const q = (quantity: number) => get(buildOciCartFields([line({ quantity })], OPTS), 'NEW_ITEM-QUANTITY[1]')
  t.equal(q(2.5), '2.5')
  t.equal(q(0.333), '0.333')
  t.equal(q(1234567), '1234567', 'no thousands separator')
  t.equal(q(99999999999.999), '99999999999.999', '15 characters fit')
  // Sent as given or refused, never rounded (src/protocols/precision.ts): 0.3333333 is not 0.333.
  for (const bad of [0, -1, 0.0001, 0.00001, 0.3333333, 1.0005, 0.1 + 0.2, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, 1e11, 1e21, 1e300]) {
    t.throws(() => q(bad), { code: 'PG_ERR_CART_INVALID' }, `refuses ${bad}`)
  }
})

t.test('PRICE per PRICEUNIT: the x100/x1000 case', async (t) => {
  const p = (unitPrice: number, priceUnit?: number) => {
    const fields = buildOciCartFields([line({ unitPrice, priceUnit })], OPTS)
    return [get(fields, 'NEW_ITEM-PRICE[1]'), get(fields, 'NEW_ITEM-PRICEUNIT[1]')]
  }
  t.same(p(19.99), ['19.99', '1'])
  t.same(p(0.0125), ['1.25', '100'], '0.0125 per piece = 1.25 per 100')
  t.same(p(0.0012), ['0.12', '100'])
  t.same(p(0.0001), ['0.01', '100'], 'the smallest price: 0.01 per 100')
  t.same(p(0.125), ['12.5', '100'])
  t.same(p(12.3456), ['1234.56', '100'])
  t.same(p(1200, undefined), ['1200', '1'])
  t.same(p(0), ['0', '1'])
  t.same(p(1730.9), ['1730.9', '1'])
  t.same(p(0.0125, 1000), ['12.5', '1000'], 'explicit price unit wins')
  for (const [unitPrice, priceUnit] of [[0.00125, undefined], [1 / 3, undefined], [0.00005, undefined], [0.0125, 10]] as const) {
    t.throws(() => p(unitPrice, priceUnit), { code: 'PG_ERR_CART_INVALID' }, `refuses ${unitPrice} per ${priceUnit ?? 'auto'} rather than rounding`)
  }
  const jpy = buildOciCartFields([line({ unitPrice: 0.5, currency: 'JPY' })], OPTS)
  t.same([get(jpy, 'NEW_ITEM-PRICE[1]'), get(jpy, 'NEW_ITEM-PRICEUNIT[1]')], ['50', '100'], 'PRICE carries no more decimals than the currency (JPY: none)')
  t.same(p(2.5, 1000), ['2500', '1000'])
  t.throws(() => p(1, 0), { code: 'PG_ERR_CART_INVALID' })
  t.throws(() => p(1, 1.5), { code: 'PG_ERR_CART_INVALID' })
  t.throws(() => p(1, 100000), { code: 'PG_ERR_CART_INVALID' })
  t.throws(() => p(-1), { code: 'PG_ERR_CART_INVALID' })
  t.throws(() => p(1e11), { code: 'PG_ERR_CART_INVALID' }, 'PRICE with 12 integer digits')
  t.same(p(99999999999.99), ['99999999999.99', '1'], '11 integer digits fit')
  t.throws(() => p(1e21), { code: 'PG_ERR_CART_INVALID' }, 'never an exponent')
})

t.test('units: ISO, SAP T006 and per-customer overrides', async (t) => {
  const u = (unitOfMeasure: string, o: Partial<OciCartOptions> = {}) =>
    get(buildOciCartFields([line({ unitOfMeasure })], { ...OPTS, ...o }), 'NEW_ITEM-UNIT[1]')
  t.equal(u('EA'), 'EA')
  t.equal(u('EA', { unitSystem: 'sap' }), 'ST')
  t.equal(u('C62'), 'PCE')
  t.equal(u('H87', { unitSystem: 'sap' }), 'ST')
  t.equal(u('kgm'), 'KGM', 'case-insensitive')
  t.equal(u('KGM', { unitSystem: 'sap' }), 'KG')
  t.equal(u('MTR', { unitSystem: 'sap' }), 'M')
  t.equal(u('LTR', { unitSystem: 'sap' }), 'L')
  t.equal(u('BX', { unitSystem: 'sap' }), 'KAR')
  t.equal(u('DAY', { unitSystem: 'sap' }), 'TAG')
  t.equal(u('EA', { unitOverrides: { ea: 'PCE' } }), 'PCE', 'override by catalog code')
  t.equal(u('C62', { unitSystem: 'sap', unitOverrides: { ST: 'PC' } }), 'PC', 'override by mapped value')
  t.equal(u('BOTTLE'), 'BOT', 'unknown: passed through, 3 characters')
  t.equal(u('BOTTLE', { unitOverrides: { BOTTLE: 'BOTTLES' } }), 'BOT', 'overrides are cut to 3 too')
  t.throws(() => u('  '), { code: 'PG_ERR_CART_INVALID' })

  for (const entry of OCI_UNIT_TABLE) {
    t.ok(entry.iso.length <= 3 && entry.sap.length <= 3, `${entry.codes[0]} fits CHAR 3`)
    t.equal(mapOciUnit(entry.codes[0]!, 'iso'), entry.iso)
  }
  t.match(ociUnitTableMarkdown(), /\| KGM, KG \| kilogram \| KGM \| KG \|/, 'the documented table')
  const ociDoc = readFileSync(new URL('../../../docs/oci.md', import.meta.url), 'utf8')
  t.ok(ociDoc.includes(`${ociUnitTableMarkdown()}\n`), 'docs/oci.md "Units" shows exactly the table the code maps with')
})

t.test('field lengths are enforced by truncation', async (t) => {
  const fields = buildOciCartFields(
    [line({
      sku: 'S'.repeat(45), matGroup: 'M'.repeat(12), vendor: 'V'.repeat(15), manufacturerCode: 'C'.repeat(11),
      manufacturerPartId: 'P'.repeat(41), currency: 'eurxxx', contract: 'K'.repeat(11), contractItem: '1234567',
      extQuoteId: 'Q'.repeat(40), extQuoteItem: 'I'.repeat(11), extSchemaType: 'UNSPSC-V13.5', extCategoryId: 'E'.repeat(61),
      custFields: ['a'.repeat(11), 'b'.repeat(11), 'c'.repeat(11), 'd'.repeat(21), 'e'.repeat(51), 'ignored'],
      tax: 'FULL-19',
    })],
    { ...OPTS, ociVersion: '5.0' },
  )
  const len = (name: string) => Array.from(get(fields, `NEW_ITEM-${name}[1]`) ?? '').length
  t.equal(len('MATGROUP'), 10)
  t.equal(len('VENDOR'), 10)
  t.equal(len('VENDORMAT'), 40)
  t.equal(len('EXT_PRODUCT_ID'), 40)
  t.equal(len('MANUFACTCODE'), 10)
  t.equal(len('MANUFACTMAT'), 40)
  t.equal(get(fields, 'NEW_ITEM-CURRENCY[1]'), 'EURXX')
  t.equal(len('CONTRACT'), 10)
  t.equal(len('CONTRACT_ITEM'), 5)
  t.equal(len('EXT_QUOTE_ID'), 35)
  t.equal(len('EXT_QUOTE_ITEM'), 10)
  t.equal(get(fields, 'NEW_ITEM-EXT_SCHEMA_TYPE[1]'), 'UNSPSC-V13')
  t.equal(len('EXT_CATEGORY_ID'), 60)
  t.same([1, 2, 3, 4, 5].map((n) => len(`CUST_FIELD${n}`)), [10, 10, 10, 20, 50])
  t.equal(get(fields, 'NEW_ITEM-CUST_FIELD6[1]'), undefined, 'more than five custom fields are ignored')
  t.equal(get(fields, 'NEW_ITEM-TAX[1]'), 'FULL-')
})

t.test('~OkCode, ~TARGET and ~CALLER are echoed first', async (t) => {
  const fields = buildOciCartFields([line()], { ...OPTS, okCode: 'ADDI', target: '_top', caller: 'CTLG' })
  t.same(fields.slice(0, 3), [['~OkCode', 'ADDI'], ['~TARGET', '_top'], ['~CALLER', 'CTLG']])
  t.same(names(buildOciCartFields([line()], { ...OPTS, okCode: 'ADDI' })).filter((n) => n.startsWith('~')), ['~OkCode'])
  t.same(buildOciCartFields([], { ...OPTS, target: '' }), [['~TARGET', '']], 'an empty value is still echoed')
})

t.test('OCI 5.0 adds NEW_ITEM-TAX; 4.0 never sends it', async (t) => {
  const l = line({ tax: '19' })
  t.equal(get(buildOciCartFields([l], { ...OPTS, ociVersion: '5.0' }), 'NEW_ITEM-TAX[1]'), '19')
  t.equal(get(buildOciCartFields([l], OPTS), 'NEW_ITEM-TAX[1]'), undefined)
  t.equal(get(buildOciCartFields([l], { ...OPTS, optionalFields: ['TAX'] }), 'NEW_ITEM-TAX[1]'), undefined)
})

t.test('optionalFields selects which optional fields are sent', async (t) => {
  const l = line({ description: 'd'.repeat(50), matGroup: 'MG', vendor: 'V1', leadTimeDays: 2.2 })
  const fields = buildOciCartFields([l], { ...OPTS, optionalFields: ['new_item-matgroup', 'LEADTIME'] })
  t.same(names(fields), [
    'NEW_ITEM-DESCRIPTION[1]', 'NEW_ITEM-MATGROUP[1]', 'NEW_ITEM-QUANTITY[1]', 'NEW_ITEM-UNIT[1]', 'NEW_ITEM-PRICE[1]',
    'NEW_ITEM-CURRENCY[1]', 'NEW_ITEM-PRICEUNIT[1]', 'NEW_ITEM-LEADTIME[1]',
  ])
  t.equal(get(fields, 'NEW_ITEM-LEADTIME[1]'), '3', 'part days round up')
  t.same(names(buildOciCartFields([l], { ...OPTS, optionalFields: [] })).length, 6, 'only the required six')
})

t.test('invalid lines are refused naming the line', async (t) => {
  t.throws(() => buildOciCartFields([line(), line({ description: ' \n ' })], OPTS), { code: 'PG_ERR_CART_INVALID', details: { line: 2 } })
  t.throws(() => buildOciCartFields([line({ currency: '' })], OPTS), { code: 'PG_ERR_CART_INVALID', message: /line 1/ })
  t.throws(() => buildOciCartFields([line({ leadTimeDays: -1 })], OPTS), { code: 'PG_ERR_CART_INVALID' })
})

t.test('XML variant (ESAPO): one base64 document in ~xmlDocument', async (t) => {
  const lines = [
    line({ description: 'Größe <XL> & "quoted" ]]> text, longer than forty characters', matGroup: 'MG1', leadTimeDays: 4, vendor: 'V9', manufacturerCode: 'ACME', manufacturerPartId: 'A-1', contract: 'K1', contractItem: '10', extQuoteId: 'Q1', extQuoteItem: '2', tax: '19', custFields: ['c1'] }),
    line({ sku: 'SKU-2', quantity: 2.5, unitPrice: 0.0125, unitOfMeasure: 'EA' }),
  ]
  const options: OciCartOptions = { ociVersion: '5.0', unitSystem: 'sap', okCode: 'ADDI', target: '_top' }
  const xml = buildOciXmlCart(lines, options)
  t.equal(XMLValidator.validate(xml), true, 'well-formed')
  const doc = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml)
  const products = doc.BusinessDocument.Catalog.Product
  t.equal(products.length, 2)
  const [p1, p2] = products
  t.equal(p1.Description, 'Größe <XL> & "quoted" ]]> text, longer t')
  t.equal(p1.CatalogKey, 'SKU-1')
  t.equal(p1.ParentCategoryID, 'MG1')
  t.equal(p1.ShoppingBasketItem.Quantity['#text'], '1')
  t.equal(p1.ShoppingBasketItem.Quantity['@_UoM'], 'ST')
  t.equal(p1.ShoppingBasketItem.NetPrice.Price['#text'], '1.5')
  t.equal(p1.ShoppingBasketItem.NetPrice.Price['@_Currency'], 'EUR')
  t.equal(p1.ShoppingBasketItem.LeadTime, '4')
  t.equal(p1.ShoppingBasketItem.ItemText, lines[0]!.description)
  t.equal(p1.ShoppingBasketItem.Quote.QuoteID, 'Q1')
  t.equal(p1.ManufacturerDescription.PartnerProductID['#text'], 'A-1')
  t.equal(p1.VendorDescription.PartnerID['#text'], 'V9')
  t.equal(p1.VendorDescription.BuyerContract.ContractItemID, '10')
  t.equal(p1['NEW_ITEM-TAX'], '19')
  t.equal(p1['NEW_ITEM-CUST_FIELD1'], 'c1')
  t.equal(p2.ShoppingBasketItem.NetPrice.Price['#text'], '1.25')
  t.equal(p2.ShoppingBasketItem.NetPrice.PriceUnit, '100')
  t.equal(p2.ShoppingBasketItem.Quantity['#text'], '2.5')

  const fields = buildOciXmlCartFields(lines, options)
  t.same(names(fields), ['~OkCode', '~TARGET', OCI_XML_DOCUMENT_FIELD, OCI_XML_TYPE_FIELD])
  t.equal(OCI_XML_DOCUMENT_FIELD, '~xmlDocument')
  t.equal(get(fields, '~xml_type'), 'ESAPO')
  t.equal(Buffer.from(get(fields, '~xmlDocument')!, 'base64').toString('utf8'), xml, 'base64 of the UTF-8 document')
})
