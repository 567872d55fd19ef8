import t from 'tap'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import {
  buildProfileResponse,
  buildPunchOutOrderMessage,
  buildSetupResponse,
  buildStatusResponse,
  cxmlTimestamp,
  formatQuantity,
  formatUnitPrice,
  newPayloadId,
} from '../../../src/protocols/cxml/build.ts'
import type { CartLine, PunchOutOrderMessageInput } from '../../../src/protocols/cxml/types.ts'
import { assertValidCxml, validateCxml } from '../../helpers/cxml-dtd.ts'
import { assertRefused } from './helpers.ts'

const NOW = new Date('2024-05-01T10:00:00.000Z')
const line = (over: Partial<CartLine> = {}): CartLine => ({
  sku: 'SKU-1', quantity: 2, unitPrice: 12.5, currency: 'EUR', description: 'Desk chair', unitOfMeasure: 'EA', auxiliaryId: 'ps_1:l1', ...over,
})
const poomInput = (over: Partial<PunchOutOrderMessageInput> = {}): PunchOutOrderMessageInput => ({
  payloadID: '1714557600000.42.abc@gw.example',
  timestamp: NOW,
  from: [{ domain: 'DUNS', identity: '123456789' }],
  to: [{ domain: 'NetworkID', identity: 'AN0100000001' }],
  sender: { domain: 'DUNS', identity: '123456789' },
  userAgent: 'Punchgate 0.1',
  buyerCookie: 'c64af92dc27e68172e030d3dfd1bc944',
  operationAllowed: 'edit',
  currency: 'EUR',
  total: '25.00',
  lines: [line()],
  ...over,
})

// Reading back as a buyer would: entities and character references decoded, text untouched.
const reader = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: false, processEntities: true, htmlEntities: true })
const ordered = new XMLParser({ ignoreAttributes: true, preserveOrder: true })
type Ordered = Array<Record<string, Ordered>>
/** Child element names of the element at `path` (first match at each step), in document order. */
function childOrder(xml: string, path: string[]): string[] {
  let nodes = ordered.parse(xml) as Ordered
  for (const name of path) nodes = nodes.find((n) => name in n)![name]!
  return nodes.flatMap((n) => Object.keys(n)).filter((k) => k !== '#text')
}

t.test('every builder emits a document valid against the cXML 1.2.063 DTD', async (t) => {
  const docs: Array<[string, string]> = [
    ['status 200', buildStatusResponse({ payloadID: 'p@gw', timestamp: NOW, code: 200, text: 'OK' })],
    ['status 401 with detail', buildStatusResponse({ payloadID: 'p@gw', timestamp: NOW, code: 401, text: 'Unauthorized', detail: 'The SharedSecret does not match.' })],
    ['setup response', buildSetupResponse({ payloadID: 'p@gw', timestamp: NOW, startPageUrl: 'https://gw.example/start/abc?x=1&y=2' })],
    ['profile response', buildProfileResponse({ payloadID: 'p@gw', timestamp: NOW, effectiveDate: NOW, transactions: [{ requestName: 'PunchOutSetupRequest', url: 'https://gw.example/cxml/setup' }, { requestName: 'OrderRequest', url: 'https://gw.example/cxml/order' }] })],
    ['POOM, one line', buildPunchOutOrderMessage(poomInput())],
    ['POOM, empty cart', buildPunchOutOrderMessage(poomInput({ lines: [], total: '0' }))],
    ['POOM, every optional field', buildPunchOutOrderMessage(poomInput({
      deploymentMode: 'test',
      operationAllowed: 'inspect',
      lines: [line({ classification: { domain: 'UNSPSC', code: '56101504' }, leadTimeDays: 5, manufacturerName: 'Acme', manufacturerPartId: 'AC-1' }), line({ sku: 'SKU-2', auxiliaryId: '' })],
    }))],
  ]
  for (const [name, xml] of docs) {
    t.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">\n'), `${name}: declaration and DOCTYPE`)
    t.match(xml, /<cXML payloadID="[^"]+" timestamp="2024-05-01T10:00:00\+00:00" version="1\.2\.063" xml:lang="en-US">/, `${name}: root attributes`)
    await assertValidCxml(t, xml, `${name}: valid`)
  }
})

t.test('the DTD check is not vacuous', async (t) => {
  const good = buildPunchOutOrderMessage(poomInput({ lines: [line({ classification: { domain: 'UNSPSC', code: '1' } })] }))
  const broken: Array<[string, string]> = [
    ['no Classification', good.replace(/<Classification[^>]*>[^<]*<\/Classification>/, '')],
    ['ItemID children swapped', good.replace(/(<SupplierPartID>.*<\/SupplierPartID>)(\s*)(<SupplierPartAuxiliaryID>.*<\/SupplierPartAuxiliaryID>)/, '$3$2$1')],
    ['bad operationAllowed', good.replace('operationAllowed="edit"', 'operationAllowed="delete"')],
    ['undeclared attribute', good.replace('<Total>', '<Total foo="1">')],
    ['Total after ItemIn', good.replace(/<Total>[\s\S]*?<\/Total>/, '').replace('</PunchOutOrderMessage>', '<Total><Money currency="EUR">1</Money></Total></PunchOutOrderMessage>')],
    ['Status without text', buildStatusResponse({ payloadID: 'p', timestamp: NOW, code: 200, text: 'OK' }).replace(' text="OK"', '')],
  ]
  for (const [name, xml] of broken) t.notOk((await validateCxml(xml)).valid, `${name}: rejected`)
  // The real Coupa fixture puts Contact before BrowserFormPost, against the DTD: the validator notices.
  const coupa = await import('node:fs').then((fs) => fs.readFileSync(new URL('../../../fixtures/cxml/coupa-setup-create-extrinsics-rubytime-timestamp.xml', import.meta.url), 'utf8'))
  t.notOk((await validateCxml(coupa)).valid, 'Coupa setup request is out of DTD order (parser must stay lenient about order)')
})

t.test('hostile strings round-trip exactly through the POOM', async (t) => {
  const hostile = {
    description: 'Bolt <M8> & nut ]]> "quoted" \'single\' <!-- no comment --> <![CDATA[x]]> &amp; literal €ü\u2019 😀\r\nsecond line\twith tab  ',
    sku: '<sku>&"\'&lt;&#65;&#x42;&#38;',
    auxiliaryId: 'ps_1]]>&<l1>&foo;',
    cookie: '\n  <cookie> & ]]> "x" &amp; &lt;script&gt;\r\n ',
    identity: 'AN01&<>"\'&amp;',
    domain: 'Net&amp;work"<ID>\'',
    userAgent: 'UA ]]> <&>',
    manufacturer: 'O\'Brien & Söhne <GmbH>',
  }
  const xml = buildPunchOutOrderMessage(poomInput({
    buyerCookie: hostile.cookie,
    userAgent: hostile.userAgent,
    to: [{ domain: hostile.domain, identity: hostile.identity }],
    lines: [line({ sku: hostile.sku, auxiliaryId: hostile.auxiliaryId, description: hostile.description, manufacturerName: hostile.manufacturer })],
  }))
  t.equal(XMLValidator.validate(xml), true, 'well-formed')
  await assertValidCxml(t, xml)
  const doc = reader.parse(xml)
  const poom = doc.cXML.Message.PunchOutOrderMessage
  const item = poom.ItemIn
  t.equal(poom.BuyerCookie, hostile.cookie, 'BuyerCookie echoed unchanged, whitespace and CR included')
  t.equal(item.ItemDetail.Description['#text'], hostile.description, 'Description')
  t.equal(item.ItemID.SupplierPartID, hostile.sku, 'SupplierPartID')
  t.equal(item.ItemID.SupplierPartAuxiliaryID, hostile.auxiliaryId, 'SupplierPartAuxiliaryID')
  t.equal(item.ItemDetail.ManufacturerName, hostile.manufacturer, 'ManufacturerName')
  t.equal(doc.cXML.Header.To.Credential.Identity, hostile.identity, 'Identity')
  t.equal(doc.cXML.Header.To.Credential['@_domain'], hostile.domain, 'attribute value')
  t.equal(doc.cXML.Header.Sender.UserAgent, hostile.userAgent, 'UserAgent')
  t.notMatch(xml, /<sku>|<M8>|<cookie>|&foo;|&#65;/, 'no markup or references injected')
})

t.test('values that XML cannot carry', async (t) => {
  const xml = buildPunchOutOrderMessage(poomInput({ lines: [line({ description: 'bell\u0007 nul\u0000 ok' })] }))
  t.equal(reader.parse(xml).cXML.Message.PunchOutOrderMessage.ItemIn.ItemDetail.Description['#text'], 'bell nul ok', 'control characters are dropped')
  await assertValidCxml(t, xml)
  const status = buildStatusResponse({ payloadID: 'p', timestamp: NOW, code: 400, text: 'Bad\r\nrequest\tnow', detail: 'line1\r\nline2' })
  const parsed = reader.parse(status).cXML.Response.Status
  t.equal(parsed['@_text'], 'Bad request now', 'attribute whitespace normalized up front')
  t.equal(parsed['#text'], 'line1\r\nline2', 'CR in text survives as &#xD;')
})

t.test('POOM elements are in DTD order', async (t) => {
  const xml = buildPunchOutOrderMessage(poomInput({
    lines: [line({ classification: { domain: 'UNSPSC', code: '56101504' }, leadTimeDays: 5, manufacturerName: 'Acme', manufacturerPartId: 'AC-1' }), line({ sku: 'SKU-2', auxiliaryId: 'ps_1:l2' })],
  }))
  t.same(childOrder(xml, ['cXML']), ['Header', 'Message'])
  t.same(childOrder(xml, ['cXML', 'Header']), ['From', 'To', 'Sender'])
  t.same(childOrder(xml, ['cXML', 'Header', 'Sender']), ['Credential', 'UserAgent'])
  t.same(childOrder(xml, ['cXML', 'Header', 'Sender', 'Credential']), ['Identity'], 'no SharedSecret on the way back')
  t.same(childOrder(xml, ['cXML', 'Message', 'PunchOutOrderMessage']), ['BuyerCookie', 'PunchOutOrderMessageHeader', 'ItemIn', 'ItemIn'])
  t.same(childOrder(xml, ['cXML', 'Message', 'PunchOutOrderMessage', 'PunchOutOrderMessageHeader']), ['Total'])
  t.same(childOrder(xml, ['cXML', 'Message', 'PunchOutOrderMessage', 'ItemIn']), ['ItemID', 'ItemDetail'])
  t.same(childOrder(xml, ['cXML', 'Message', 'PunchOutOrderMessage', 'ItemIn', 'ItemID']), ['SupplierPartID', 'SupplierPartAuxiliaryID'])
  t.same(childOrder(xml, ['cXML', 'Message', 'PunchOutOrderMessage', 'ItemIn', 'ItemDetail']), ['UnitPrice', 'Description', 'UnitOfMeasure', 'Classification', 'ManufacturerPartID', 'ManufacturerName', 'LeadTime'])
  const items = reader.parse(xml).cXML.Message.PunchOutOrderMessage.ItemIn
  t.same(items.map((i: Record<string, string>) => [i['@_quantity'], i['@_lineNumber']]), [['2', '1'], ['2', '2']], 'quantity and 1-based lineNumber')
  t.same(items.map((i: { ItemID: { SupplierPartAuxiliaryID: string } }) => i.ItemID.SupplierPartAuxiliaryID), ['ps_1:l1', 'ps_1:l2'])
  t.match(xml, /<PunchOutOrderMessageHeader operationAllowed="edit">\s*<Total>\s*<Money currency="EUR">25\.00<\/Money>/)
  t.match(xml, /<Classification domain="UNSPSC">56101504<\/Classification>/)
  t.match(buildPunchOutOrderMessage(poomInput()), /<Classification domain="UNSPSC"\/>/, 'no classification: empty UNSPSC element (DTD requires one)')
  t.match(buildPunchOutOrderMessage(poomInput({ deploymentMode: 'test' })), /<Message deploymentMode="test">/)
  t.match(buildPunchOutOrderMessage(poomInput({ deploymentMode: 'production' })), /<Message>/)
})

t.test('money, quantities, timestamps, payload ids', async (t) => {
  const prices: Array<[number, string, string]> = [
    [12, 'EUR', '12.00'], [12.5, 'EUR', '12.50'], [0.0825, 'EUR', '0.0825'], [1200, 'JPY', '1200'], [0.5, 'JPY', '0.5'], [1.25, 'BHD', '1.250'], [0, 'EUR', '0.00'],
  ]
  for (const [input, currency, expected] of prices) t.equal(formatUnitPrice(input, currency), expected, `formatUnitPrice(${input}, ${currency})`)
  for (const bad of [0.00005, 0.12345, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, -3, 1e21]) {
    assertRefused(t, () => formatUnitPrice(bad, 'EUR'), 'PG_ERR_CART_INVALID', /at most 4 decimals/, `formatUnitPrice(${String(bad)}) is refused, not rounded`)
  }
  t.equal(formatQuantity(1.5), '1.5')
  t.equal(formatQuantity(0.001), '0.001')
  for (const bad of [0.00001, 0.0005, 0, -1, Number.NaN]) {
    assertRefused(t, () => formatQuantity(bad), 'PG_ERR_CART_INVALID', /at most 3 decimals/, `formatQuantity(${String(bad)}) is refused, never sent as 0`)
  }
  assertRefused(t, () => buildPunchOutOrderMessage(poomInput({ lines: [line({ quantity: 1.5 }), line({ quantity: 1e-5 })] })), 'PG_ERR_CART_INVALID', /Line 2 quantity/)
  const yen = buildPunchOutOrderMessage(poomInput({ currency: 'JPY', total: '1200', lines: [line({ currency: 'JPY', unitPrice: 600, quantity: 2 })] }))
  t.match(yen, /<Total>\s*<Money currency="JPY">1200<\/Money>/, 'JPY total without decimals')
  t.match(yen, /<UnitPrice>\s*<Money currency="JPY">600<\/Money>/, 'JPY unit price without decimals')
  assertRefused(t, () => buildPunchOutOrderMessage(poomInput({ lines: [line({ unitPrice: Number.NaN })] })), 'PG_ERR_CART_INVALID', /Line 1 unit price/)
  assertRefused(t, () => buildPunchOutOrderMessage(poomInput({ lines: [line({ leadTimeDays: 1.5 })] })), 'PG_ERR_CART_INVALID', /lead time/)
  assertRefused(t, () => buildPunchOutOrderMessage(poomInput({ to: [] })), 'PG_ERR_INTERNAL', /To needs at least one Credential/)
  assertRefused(t, () => buildProfileResponse({ payloadID: 'p', timestamp: NOW, effectiveDate: NOW, transactions: [] }), 'PG_ERR_INTERNAL', /at least one Transaction/)

  t.equal(cxmlTimestamp(new Date('2024-12-31T23:59:59.999Z')), '2024-12-31T23:59:59+00:00')
  assertRefused(t, () => cxmlTimestamp(new Date('nope')), 'PG_ERR_INTERNAL')
  const ids = new Set(Array.from({ length: 100 }, () => newPayloadId('gw.example')))
  t.equal(ids.size, 100, 'unique')
  t.match([...ids][0], new RegExp(`^\\d{13}\\.${process.pid}\\.[0-9a-f]{16}@gw\\.example$`))
})
