import t from 'tap'
import { identitySourceFromSetup, parseCxmlRequest } from '../../../src/protocols/cxml/parse.ts'
import { parseCxmlTimestamp } from '../../../src/protocols/cxml/timestamp.ts'
import type { PunchOutSetupRequest } from '../../../src/protocols/cxml/types.ts'
import { assertRefused, cxmlDoc, fixture, HEADER } from './helpers.ts'

const parse = (xml: string | Buffer) => parseCxmlRequest(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml)
const setupOf = (xml: string | Buffer): PunchOutSetupRequest => {
  const { request } = parse(xml)
  if (request.kind !== 'PunchOutSetupRequest') throw new Error(`expected a setup request, got ${request.kind}`)
  return request
}

t.test('corpus setup and profile requests parse with the right fields', async (t) => {
  const cases: Array<{ file: string; envelope: object; request: object }> = [
    {
      file: 'coupa-setup-create-extrinsics-rubytime-timestamp.xml',
      envelope: {
        payloadID: '1211221788.71299@ip-10-251-122-83',
        timestamp: 'Mon May 19 18:29:48 +0000 2008',
        timestampDate: new Date('2008-05-19T18:29:48Z'),
        lang: 'en-US',
        version: undefined,
        deploymentMode: 'production',
        header: { from: [{ domain: 'DUNS', identity: 'coupa-t' }], to: [{ domain: 'DUNS', identity: 'coupa-t' }], sender: [{ domain: 'DUNS', identity: 'coupa-t', sharedSecret: 'test' }], userAgent: 'Coupa Procurement 1.0' },
      },
      request: {
        kind: 'PunchOutSetupRequest',
        operation: 'create',
        buyerCookie: 'c64af92dc27e68172e030d3dfd1bc944',
        extrinsics: Object.entries({ FirstName: 'Jim', LastName: 'Halpert', UniqueName: 'jim', UserEmail: 'noah+jim@coupa.com', User: 'jim', BusinessUnit: 'COUPA' })
          .map(([name, value]) => ({ name, value })),
        browserFormPostUrl: 'https://qa.coupahost.com/punchout/checkout/4',
        supplierSetupUrl: undefined, // Coupa sends no SupplierSetup
        contacts: [{ role: 'endUser', name: 'jim', email: 'noah+jim@coupa.com', phone: undefined }],
        shipTo: undefined,
        itemOut: [],
      },
    },
    {
      file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml',
      envelope: {
        payloadID: '1527000523.2503@equallevel.com',
        timestampDate: new Date('2018-05-22T14:48:43Z'),
        version: '1.0', // stale version attribute next to a 1.2.028 DOCTYPE: kept as sent
        lang: 'en',
        deploymentMode: 'production',
        header: { from: [{ domain: 'NetworkId', identity: '080230982' }], to: [{ domain: 'DUNS', identity: '159148746' }], sender: [{ domain: 'NetworkId', identity: '080230982', sharedSecret: '805422672' }], userAgent: 'Qmerit ePro' },
      },
      request: {
        operation: 'create',
        buyerCookie: 'd2b6ae992225bd0a9894b5b37f183d81',
        extrinsics: ['User', 'UniqueUsername', 'UserId', 'UserEmail', 'UserFullName', 'UserPrintableName', 'FirstName', 'LastName', 'PhoneNumber'].map((name) => ({ name })),
        browserFormPostUrl: 'http://localhost:3000/grainger-punch-in',
        supplierSetupUrl: 'https://ca.gcom.grainger.com/punchout/cxml',
        contacts: [],
        shipTo: { addressID: 'TEST', name: 'TEST', street: ['123 Street Address'], city: 'Rockville', postalCode: '20855', country: 'US' },
      },
    },
    {
      file: 'iesa-setup-create-minimal-whitespace-urls.xml',
      envelope: {
        payloadID: 'demoSCAWIG@IESAonline',
        lang: 'en-UK',
        header: { sender: [{ domain: 'IESAnetworkUserID', identity: '88888888', sharedSecret: '{shared secret in here}' }], userAgent: 'IESAonlinevers1' },
      },
      request: {
        buyerCookie: 'demoSCAWIGP',
        extrinsics: [],
        // Padded with newlines and spaces in the document: trimmed.
        browserFormPostUrl: 'http://return_to_supplier_url.com',
        supplierSetupUrl: 'http://localhost:3000',
        shipTo: undefined,
      },
    },
    {
      file: 'iesa-setup-create-shipto-whitespace-urls.xml',
      envelope: { deploymentMode: 'production' },
      request: {
        browserFormPostUrl: 'http://return_to_supplier_url.com',
        supplierSetupUrl: 'http://localhost:3000',
        shipTo: { addressID: '3119', name: 'jmadden', street: ['333 East Hill Dr'], city: 'san leandro', postalCode: '22222', country: 'United States', email: 'jmadden@coupa1.com', phone: '+1 855 8671234' },
      },
    },
    {
      file: 'generic-setup-edit-shape-selecteditem-itemout.xml',
      envelope: { payloadID: '933695160890', deploymentMode: 'test', timestampDate: new Date('2023-01-23T17:00:06Z') },
      request: {
        operation: 'create',
        extrinsics: [{ name: 'UserEmail', value: 'john-doe@domain.com' }],
        browserFormPostUrl: 'https://prominate-platform.com/hook-url',
        supplierSetupUrl: 'http://workchairs.com/cxml',
        shipTo: { addressID: undefined, name: 'Acme', street: ['123 Anystreet'], city: 'Sunnyvale', country: 'United States', phone: '+1 800 5551212' },
        selectedItem: { supplierPartID: '4545321', supplierPartAuxiliaryID: undefined },
        itemOut: [
          { quantity: '2', lineNumber: '10', supplierPartID: '5555', unitPrice: '763.20', currency: 'EUR', description: 'Excelsior Desk Chair', unitOfMeasure: 'EA', classification: { domain: 'UNSPSC', code: 'ean1234' } },
          { quantity: '1', lineNumber: '20', supplierPartID: '6666', unitPrice: '764.20', currency: 'EUR', description: '22Excelsior Desk Chair', unitOfMeasure: 'EA', classification: { domain: 'UNSPSC', code: 'ean1230' } },
        ],
      },
    },
    {
      file: 'ariba-profile-request-no-doctype.xml',
      envelope: {
        payloadID: 'payload-id',
        version: undefined,
        header: { from: [{ domain: 'AribaNetworkUserId', identity: 'admin@acme.com' }], sender: [{ domain: 'AribaNetworkUserId', identity: 'sysadmin@buyer.com', sharedSecret: 'abracadabra' }], userAgent: 'Network Hub 1.1' },
      },
      request: { kind: 'ProfileRequest' },
    },
  ]
  for (const c of cases) {
    const doc = parseCxmlRequest(fixture(c.file), 'text/xml')
    t.match(doc.envelope, c.envelope, `${c.file}: envelope`)
    t.match(doc.request, c.request, `${c.file}: request`)
  }
  const equallevel = setupOf(fixture('equallevel-setup-create-grainger-many-user-extrinsics.xml'))
  t.same(equallevel.extrinsics.find((e) => e.name === 'UserPrintableName'), { name: 'UserPrintableName', value: 'Erik Florida' })
})

t.test('Extrinsics: nameless ones dropped, names as sent, values full text trimmed', async (t) => {
  const request = setupOf(
    cxmlDoc({
      request: `<PunchOutSetupRequest operation="create">
        <BuyerCookie>c</BuyerCookie>
        <Extrinsic>orphan value</Extrinsic>
        <Extrinsic name="">empty name</Extrinsic>
        <Extrinsic name="  ">blank name</Extrinsic>
        <Extrinsic name="costCenter">
          47<!-- split -->11 <![CDATA[A&B]]>
        </Extrinsic>
        <Extrinsic name="UserEmail"/>
      </PunchOutSetupRequest>`,
    }),
  )
  t.same(request.extrinsics, [
    { name: 'costCenter', value: '4711 A&B' },
    { name: 'UserEmail', value: '' },
  ])
})

t.test('BuyerCookie is kept raw (padding included) for the echo', async (t) => {
  const request = setupOf(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie>\n   abc&amp;123 \t\n</BuyerCookie></PunchOutSetupRequest>' }))
  t.equal(request.buyerCookie, '\n   abc&123 \t\n')
  t.equal(request.buyerCookie.trim(), 'abc&123', 'compare trimmed')
  const cdata = setupOf(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie><![CDATA[ x<y ]]></BuyerCookie></PunchOutSetupRequest>' }))
  t.equal(cdata.buyerCookie, ' x<y ')
  assertRefused(t, () => parse(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie><a>1</a></BuyerCookie></PunchOutSetupRequest>' })), 'PG_ERR_CXML_UNSUPPORTED', /BuyerCookie/)
  assertRefused(t, () => parse(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"><BuyerCookie>a</BuyerCookie><BuyerCookie>b</BuyerCookie></PunchOutSetupRequest>' })), 'PG_ERR_CXML_INVALID', /BuyerCookie appears twice/)
  assertRefused(t, () => parse(cxmlDoc({ request: '<PunchOutSetupRequest operation="create"/>' })), 'PG_ERR_CXML_INVALID', /no BuyerCookie/)
})

t.test('timestamps are read leniently and kept raw', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['2024-05-01T10:00:00+02:00', '2024-05-01T08:00:00.000Z'],
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T10:00:00.123-05:00', '2024-05-01T15:00:00.123Z'],
    ['2018-02-12T08:22:20-0500', '2018-02-12T13:22:20.000Z'], // Global Industrial, no colon
    ['2024-05-01T10:00:00', '2024-05-01T10:00:00.000Z'], // no zone: read as UTC
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['Mon May 19 18:29:48 +0000 2008', '2008-05-19T18:29:48.000Z'], // Ruby Time#to_s (old Coupa)
    ['2008-05-19 18:29:48 +0100', '2008-05-19T17:29:48.000Z'], // modern Ruby Time#to_s
    ['Mon, 19 May 2008 18:29:48 +0000', '2008-05-19T18:29:48.000Z'],
    ['timestamp_mock', undefined],
    ['', undefined],
    ['2024-02-30T10:00:00Z', undefined],
    ['2024-05-01T25:00:00Z', undefined],
    ['Mon Foo 19 18:29:48 +0000 2008', undefined],
  ]
  for (const [raw, iso] of cases) t.equal(parseCxmlTimestamp(raw)?.toISOString(), iso, `timestamp "${raw}"`)

  const mock = parse(cxmlDoc({ rootAttrs: 'payloadID="p" timestamp="timestamp_mock"' }))
  t.equal(mock.envelope.timestamp, 'timestamp_mock', 'raw kept')
  t.equal(mock.envelope.timestampDate, undefined, 'unparseable → undefined, not refused')
  const noColon = parse(cxmlDoc({ rootAttrs: 'payloadID="p" timestamp="2018-02-12T08:22:20-0500"' }))
  t.equal(noColon.envelope.timestampDate?.toISOString(), '2018-02-12T13:22:20.000Z')
})

t.test('deploymentMode defaults to production; test is read; junk is refused', async (t) => {
  t.equal(parse(cxmlDoc()).envelope.deploymentMode, 'production')
  t.equal(parse(cxmlDoc({ requestAttrs: ' deploymentMode="test"' })).envelope.deploymentMode, 'test')
  t.equal(parse(cxmlDoc({ requestAttrs: ' deploymentMode="production"' })).envelope.deploymentMode, 'production')
  t.equal(parse(cxmlDoc({ requestAttrs: ' deploymentMode="Test"' })).envelope.deploymentMode, 'test', 'case-insensitive')
  assertRefused(t, () => parse(cxmlDoc({ requestAttrs: ' deploymentMode="staging"' })), 'PG_ERR_CXML_INVALID', /deploymentMode="staging"/)
})

t.test('operations', async (t) => {
  const withOp = (op: string) => cxmlDoc({ request: `<PunchOutSetupRequest ${op}><BuyerCookie>c</BuyerCookie></PunchOutSetupRequest>` })
  for (const op of ['create', 'edit', 'inspect', 'source'] as const) t.equal(setupOf(withOp(`operation="${op}"`)).operation, op)
  assertRefused(t, () => parse(withOp('operation="delete"')), 'PG_ERR_CXML_UNSUPPORTED', /operation="delete".*create, edit, inspect or source/)
  assertRefused(t, () => parse(withOp('')), 'PG_ERR_CXML_INVALID', /no operation attribute/)
})

t.test('edit request: ItemOut lines, Description with and without ShortName, manufacturer, auxiliary id', async (t) => {
  const request = setupOf(
    cxmlDoc({
      request: `<PunchOutSetupRequest operation="edit">
        <BuyerCookie>c</BuyerCookie>
        <ItemOut quantity="3" lineNumber="1">
          <ItemID><SupplierPartID> SKU-1 </SupplierPartID><SupplierPartAuxiliaryID>sess:42/line:1</SupplierPartAuxiliaryID></ItemID>
          <ItemDetail>
            <UnitPrice><Money currency="USD">12.5000</Money></UnitPrice>
            <Description xml:lang="en"><ShortName>Short</ShortName>Long text &amp; more</Description>
            <UnitOfMeasure>BX</UnitOfMeasure>
            <Classification domain="UNSPSC">44121618</Classification>
            <ManufacturerPartID>MP-9</ManufacturerPartID>
            <ManufacturerName>Acme</ManufacturerName>
          </ItemDetail>
        </ItemOut>
        <ItemOut quantity="1"><ItemID><SupplierPartID>SKU-2</SupplierPartID></ItemID></ItemOut>
      </PunchOutSetupRequest>`,
    }),
  )
  t.same(request.itemOut, [
    {
      quantity: '3', lineNumber: '1', supplierPartID: 'SKU-1', supplierPartAuxiliaryID: 'sess:42/line:1', unitPrice: '12.5000', currency: 'USD',
      description: 'Long text & more', unitOfMeasure: 'BX', classification: { domain: 'UNSPSC', code: '44121618' }, manufacturerPartID: 'MP-9', manufacturerName: 'Acme',
    },
    { quantity: '1', lineNumber: undefined, supplierPartID: 'SKU-2', supplierPartAuxiliaryID: undefined },
  ])
  assertRefused(t, () => parse(cxmlDoc({ request: '<PunchOutSetupRequest operation="edit"><BuyerCookie>c</BuyerCookie><ItemOut><ItemID><SupplierPartID>x</SupplierPartID></ItemID></ItemOut></PunchOutSetupRequest>' })), 'PG_ERR_CXML_INVALID', /ItemOut\[1\] has no quantity/)
})

t.test('Contacts: role optional, TelephoneNumber joined', async (t) => {
  const request = setupOf(
    cxmlDoc({
      request: `<PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie>
        <Contact role="endUser"><Name xml:lang="en">Ann Buyer</Name><Email>ann@buyer.example</Email>
          <Phone><TelephoneNumber><CountryCode isoCountryCode="DE">49</CountryCode><AreaOrCityCode>30</AreaOrCityCode><Number>1234567</Number><Extension>89</Extension></TelephoneNumber></Phone></Contact>
        <Contact><Name xml:lang="en">Relay User</Name></Contact>
      </PunchOutSetupRequest>`,
    }),
  )
  t.same(request.contacts, [
    { role: 'endUser', name: 'Ann Buyer', email: 'ann@buyer.example', phone: '+49 30 1234567 ext. 89' },
    { role: undefined, name: 'Relay User', email: undefined, phone: undefined },
  ])
})

t.test('credential quirks: domain case kept, CredentialMac flagged, multiple domains allowed', async (t) => {
  const doc = parse(
    cxmlDoc({
      header: `<Header>
        <From><Credential domain="NetworkId"><Identity>AN01</Identity></Credential><Credential domain="duns"><Identity>123</Identity></Credential></From>
        <To><Credential domain="DUNS"><Identity>9</Identity></Credential></To>
        <Sender><Credential domain="AribaNetworkUserId"><Identity>hub@ariba</Identity><CredentialMac type="FromSenderCredentials" algorithm="HMAC-SHA1-96" creationDate="2024-01-01T00:00:00Z" expirationDate="2024-01-02T00:00:00Z">AAAA</CredentialMac></Credential><UserAgent>Ariba Network/1.0</UserAgent></Sender>
      </Header>`,
    }),
  )
  t.same(doc.envelope.header.from, [{ domain: 'NetworkId', identity: 'AN01' }, { domain: 'duns', identity: '123' }])
  t.same(doc.envelope.header.sender, [{ domain: 'AribaNetworkUserId', identity: 'hub@ariba', sharedSecret: undefined, usesUnsupportedAuthentication: true }])
})

t.test('missing envelope parts are named', async (t) => {
  assertRefused(t, () => parse(cxmlDoc({ rootAttrs: 'timestamp="2024-01-01T00:00:00Z"' })), 'PG_ERR_CXML_INVALID', /payloadID/)
  assertRefused(t, () => parse(cxmlDoc({ rootAttrs: 'payloadID="p"' })), 'PG_ERR_CXML_INVALID', /timestamp/)
  assertRefused(t, () => parse(cxmlDoc({ header: '' })), 'PG_ERR_CXML_INVALID', /cXML has no Header/)
  assertRefused(t, () => parse(cxmlDoc({ header: HEADER.replace(/<From>.*<\/From>/, '') })), 'PG_ERR_CXML_INVALID', /Header has no From/)
  assertRefused(t, () => parse(cxmlDoc({ header: HEADER.replace(/<Sender>[\s\S]*<\/Sender>/, '') })), 'PG_ERR_CXML_INVALID', /Header has no Sender/)
  assertRefused(t, () => parse(cxmlDoc({ header: HEADER.replace(/<To>.*<\/To>/, '<To/>') })), 'PG_ERR_CXML_INVALID', /Header\/To has no Credential/)
  assertRefused(t, () => parse(cxmlDoc({ header: HEADER.replace('<Identity>123456789</Identity>', '') })), 'PG_ERR_CXML_INVALID', /Header\/To\/Credential has no Identity/)
  assertRefused(t, () => parse(cxmlDoc({ body: '<Request/>' })), 'PG_ERR_CXML_INVALID', /Request element is empty/)
  assertRefused(t, () => parse(cxmlDoc({ body: '<Request><ProfileRequest/><ProfileRequest/></Request>' })), 'PG_ERR_CXML_INVALID', /exactly one/)
  assertRefused(t, () => parse(cxmlDoc({ body: '<Request><ProfileRequest/></Request><Message/>' })), 'PG_ERR_CXML_INVALID', /both Request and Message/)
})

t.test('documents that are not requests', async (t) => {
  for (const file of ['generic-poom-cdata-shortname-duns.xml', 'generic-poom-pricebasisquantity.xml', 'generic-poom-shipto-supplierorderinfo.xml', 'globalindustrial-poom-edit-multi-auxid-tz-nocolon.xml', 'globalindustrial-poom-edit-single-item.xml']) {
    assertRefused(t, () => parse(fixture(file)), 'PG_ERR_CXML_UNSUPPORTED', /accepts only cXML requests.*Message document/, file)
  }
  for (const file of ['generic-setup-response-200.xml', 'generic-setup-response-200-doctype-1.2.011.xml']) {
    assertRefused(t, () => parse(fixture(file)), 'PG_ERR_CXML_UNSUPPORTED', /accepts only cXML requests.*Response document/, file)
  }
  const others: Array<[string, string]> = [
    ['officedepot-confirmation-request-detail.xml', 'ConfirmationRequest'],
    ['generic-shipnotice-fulfill-dtd.xml', 'ShipNoticeRequest'],
  ]
  for (const [file, element] of others) t.same(parse(fixture(file)).request, { kind: 'Other', element }, file)
  t.equal(parse(fixture('generic-shipnotice-fulfill-dtd.xml')).envelope.header.userAgent, 'Supplier\u2019s Super Order Processor', 'raw U+2019 decoded')
})

t.test('identitySourceFromSetup', async (t) => {
  const doc = parse(fixture('iesa-setup-create-shipto-whitespace-urls.xml'))
  t.same(identitySourceFromSetup(doc), {
    protocol: 'cxml',
    extrinsics: [],
    contacts: [],
    shipTo: { addressID: '3119', name: 'jmadden' },
    header: { fromIdentity: 'punchout@test.com', userAgent: 'IESAonlinevers1', lang: 'en-UK' },
    formFields: {},
  })
  const coupa = identitySourceFromSetup(parse(fixture('coupa-setup-create-extrinsics-rubytime-timestamp.xml')))
  t.equal(coupa.extrinsics.length, 6)
  t.same(coupa.contacts, [{ role: 'endUser', name: 'jim', email: 'noah+jim@coupa.com', phone: undefined }])
  t.equal(coupa.shipTo, undefined)
  const profile = identitySourceFromSetup(parse(fixture('ariba-profile-request-no-doctype.xml')))
  t.same([profile.extrinsics, profile.contacts, profile.header.fromIdentity], [[], [], 'admin@acme.com'])
})
