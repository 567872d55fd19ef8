import t from 'tap'
import { buildConfirmationRequest, buildShipNoticeRequest, plainQuantity, withSenderSecret, type FulfillEnvelope } from '../../../src/protocols/cxml/fulfill.ts'
import { readStatusResponse } from '../../../src/protocols/cxml/status-response.ts'
import { assertValidCxml } from '../../helpers/cxml-dtd.ts'

/** docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest": valid against the Fulfill DTD. */

const envelope: FulfillEnvelope = {
  payloadID: '1.2.abc@gateway.test',
  timestamp: new Date('2026-11-23T10:00:00Z'),
  from: [{ domain: 'DUNS', identity: '123456789' }],
  to: [{ domain: 'NetworkID', identity: 'AN-BUYER-1' }],
  sender: { domain: 'DUNS', identity: '123456789' },
  userAgent: 'Punchgate 0.1',
  deploymentMode: 'production',
}
const order = { orderID: 'PO-1 <&>', payloadID: 'po-1@buyer' }

t.test('an accept and a reject name the order and no lines', async (t) => {
  for (const type of ['accept', 'reject'] as const) {
    const xml = buildConfirmationRequest({ ...envelope, confirmID: 'C-1', type, noticeDate: envelope.timestamp, order, lines: [] })
    await assertValidCxml(t, xml, `${type} is valid against the Fulfill DTD`)
    t.match(xml, /<!DOCTYPE cXML SYSTEM "http:\/\/xml.cxml.org\/schemas\/cXML\/1.2.063\/Fulfill.dtd">/)
    t.match(xml, new RegExp(`<ConfirmationHeader confirmID="C-1" operation="new" type="${type}" noticeDate="2026-11-23T10:00:00\\+00:00"/>`))
    t.match(xml, /<OrderReference orderID="PO-1 &lt;&amp;&gt;">\s*<DocumentReference payloadID="po-1@buyer"\/>/)
    t.notMatch(xml, /ConfirmationItem/)
  }
})

t.test('a detail confirmation carries each line with its status and dates', async (t) => {
  const xml = buildConfirmationRequest({
    ...envelope, confirmID: 'C-2', type: 'detail', noticeDate: envelope.timestamp, order, comments: 'Partly back-ordered',
    lines: [
      { lineNumber: 1, quantity: '2.000000', unitOfMeasure: 'EA', status: 'accept', shipmentDate: new Date('2026-11-24T08:00:00Z'), deliveryDate: new Date('2026-11-26T12:00:00Z') },
      { lineNumber: 2, quantity: '1.500000', unitOfMeasure: 'KGM', status: 'backordered', comments: 'In stock next week' },
    ],
  })
  await assertValidCxml(t, xml)
  t.match(xml, /<ConfirmationItem quantity="2" lineNumber="1">\s*<UnitOfMeasure>EA<\/UnitOfMeasure>\s*<ConfirmationStatus quantity="2" type="accept" shipmentDate="2026-11-24T08:00:00\+00:00" deliveryDate="2026-11-26T12:00:00\+00:00">/)
  t.match(xml, /<ConfirmationItem quantity="1.5" lineNumber="2">[\s\S]*type="backordered"[\s\S]*<Comments xml:lang="en-US">In stock next week<\/Comments>/)
})

t.test('a detail confirmation without lines is refused', async (t) => {
  t.throws(() => buildConfirmationRequest({ ...envelope, confirmID: 'C-3', type: 'detail', noticeDate: envelope.timestamp, order, lines: [] }), { code: 'PG_ERR_API_VALIDATION' })
})

t.test('a ship notice carries carrier, tracking number, dates and the lines shipped', async (t) => {
  const xml = buildShipNoticeRequest({
    ...envelope, shipmentID: 'S-1', noticeDate: envelope.timestamp, shipmentDate: new Date('2026-11-24T08:00:00Z'), deliveryDate: new Date('2026-11-26T12:00:00Z'),
    carrier: { name: 'Federal Express', scac: 'FDE' }, trackingNumber: '8202 8261 1194', trackingUrl: 'https://track.example.com/?n=8202&x=1', order,
    lines: [{ lineNumber: 1, quantity: '2.000000', unitOfMeasure: 'EA' }],
  })
  await assertValidCxml(t, xml)
  t.match(xml, /<ShipNoticeHeader shipmentID="S-1" operation="new" noticeDate="2026-11-23T10:00:00\+00:00" shipmentDate="2026-11-24T08:00:00\+00:00" deliveryDate="2026-11-26T12:00:00\+00:00" shipmentType="actual"\/>/)
  t.match(xml, /<CarrierIdentifier domain="SCAC">FDE<\/CarrierIdentifier>\s*<CarrierIdentifier domain="companyName">Federal Express<\/CarrierIdentifier>/)
  t.match(xml, /<ShipmentIdentifier domain="trackingNumber" trackingURL="https:\/\/track.example.com\/\?n=8202&amp;x=1">8202 8261 1194<\/ShipmentIdentifier>/)
  t.match(xml, /<ShipNoticeItem quantity="2" lineNumber="1">\s*<UnitOfMeasure>EA<\/UnitOfMeasure>/)
})

t.test('a ship notice without a SCAC or expected delivery is valid too', async (t) => {
  const xml = buildShipNoticeRequest({
    ...envelope, deploymentMode: 'test', shipmentID: 'S-2', noticeDate: envelope.timestamp, shipmentDate: envelope.timestamp,
    carrier: { name: 'Own fleet' }, trackingNumber: 'T-1', order, lines: [],
  })
  await assertValidCxml(t, xml)
  t.match(xml, /<Request deploymentMode="test">/)
  t.notMatch(xml, /deliveryDate|SCAC/)
})

t.test('the SharedSecret goes into Sender/Credential after its Identity, escaped, and nowhere else', async (t) => {
  const xml = buildConfirmationRequest({ ...envelope, confirmID: 'C-4', type: 'accept', noticeDate: envelope.timestamp, order, comments: '<Sender><Identity>x</Identity>', lines: [] })
  const sent = withSenderSecret(xml, 'se<c>&ret')
  await assertValidCxml(t, sent)
  t.match(sent, /<Sender>\s*<Credential domain="DUNS">\s*<Identity>123456789<\/Identity>\s*<SharedSecret>se&lt;c&gt;&amp;ret<\/SharedSecret>\s*<\/Credential>\s*<UserAgent>/)
  t.equal(sent.match(/<SharedSecret>/g)!.length, 1)
  t.equal(sent.replace(/\n *<SharedSecret>.*<\/SharedSecret>/, ''), xml, 'the rest of the document is unchanged')
})

t.test('quantities lose trailing zeros only', async (t) => {
  t.same(['2.000000', '1.500000', '10', '0.000100'].map(plainQuantity), ['2', '1.5', '10', '0.0001'])
})

t.test('the buyer\'s answer: its Status code and text', async (t) => {
  const answer = (code: string) => Buffer.from(`<?xml version="1.0"?><cXML payloadID="a@b" timestamp="2026-11-23T10:00:00+00:00"><Response><Status code="${code}" text="Accepted"/></Response></cXML>`)
  t.same(readStatusResponse(answer('201'), 'text/xml'), { code: 201, text: 'Accepted' })
  t.throws(() => readStatusResponse(answer('x'), 'text/xml'), { code: 'PG_ERR_CXML_INVALID' })
  t.throws(() => readStatusResponse(Buffer.from('not xml'), 'text/xml'), { code: 'PG_ERR_CXML_MALFORMED' })
})
