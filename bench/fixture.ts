/**
 * The bench's customer, seeded through the public admin API exactly as an operator would, and
 * the requests the scenarios send: a cXML PunchOutSetupRequest like a buyer network's, an OCI
 * login URL, and storefront carts of n lines.
 */
import { randomBytes } from 'node:crypto'

export interface Fixture {
  customerId: string
  cxml: { domain: string; identity: string; sharedSecret: string }
  oci: { username: string; password: string }
  /** BrowserFormPost / HOOK_URL: on the customer's allow-list. */
  returnUrl: string
  /** Sent in every setup; mapped, so no request leaves a role pending review. */
  role: string
}

/** The generic preset, also reading the SAP fields, so one customer serves both protocols. */
const PROFILE = {
  preset: 'generic',
  fields: {
    email: ['extrinsic:UserEmail', 'contact:*/email', 'oci:USER_EMAIL'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:UserId', 'oci:SY-UNAME', 'derived:email'],
    displayName: ['extrinsic:UserPrintableName', 'oci:USER_NAME', 'derived:firstName+lastName', 'contact:*/name'],
    roles: ['extrinsic:Role', 'oci:ROLE'],
  },
}

export async function seed(baseUrl: string, adminToken: string): Promise<Fixture> {
  const api = async (method: string, path: string, body: unknown, expect: number) => {
    const res = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    if (res.status !== expect) throw new Error(`seeding: ${method} /api${path} answered ${res.status}, expected ${expect}: ${text.slice(0, 500)}`)
    return JSON.parse(text) as { id: string }
  }
  const fx = {
    cxml: { domain: 'NetworkID', identity: 'AN-BENCH-0001', sharedSecret: `bench-${randomBytes(9).toString('base64url')}` },
    oci: { username: 'bench-oci', password: `bench-${randomBytes(9).toString('base64url')}` },
    returnUrl: 'https://buyer.example.com/punchout/return?client=bench',
    role: 'purchaser',
  }
  const customer = await api('POST', '/customers', {
    name: 'Bench Corp', slug: `bench-${randomBytes(3).toString('hex')}`, tier: 'gold',
    identityProfile: PROFILE, returnUrlHosts: ['buyer.example.com'],
  }, 201)
  await api('POST', `/customers/${customer.id}/credentials`, { protocol: 'cxml', ...fx.cxml }, 201)
  await api('POST', `/customers/${customer.id}/credentials`, { protocol: 'oci', ...fx.oci }, 201)
  await api('PUT', `/customers/${customer.id}/roles/${fx.role}`, {
    permissions: ['browse', 'view_contract_prices', 'add_to_cart', 'return_cart'], spendLimit: null,
  }, 200)
  return { customerId: customer.id, ...fx }
}

export interface Buyer {
  uniqueName: string
  email: string
  firstName: string
  lastName: string
}

export const KNOWN_BUYER: Buyer = { uniqueName: 'jane.buyer', email: 'jane.buyer@buyer.example.com', firstName: 'Jane', lastName: 'Buyer' }

/** A new person per call: `run` keeps names unique across rounds and runs. */
export const newBuyer = (run: string, n: number): Buyer => ({
  uniqueName: `bench.${run}.${n}`, email: `bench.${run}.${n}@buyer.example.com`, firstName: 'Bench', lastName: `User ${n}`,
})

/** The XML declaration, DOCTYPE and cXML Header (From, To, Sender with the secret) of a bench document. */
function envelope(fx: Fixture, payloadId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="${payloadId}" timestamp="2026-11-23T10:00:00-05:00" xml:lang="en-US">
<Header>
<From><Credential domain="${fx.cxml.domain}"><Identity>${fx.cxml.identity}</Identity></Credential></From>
<To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
<Sender><Credential domain="${fx.cxml.domain}"><Identity>${fx.cxml.identity}</Identity><SharedSecret>${fx.cxml.sharedSecret}</SharedSecret></Credential><UserAgent>Bench Procurement 1.0</UserAgent></Sender>
</Header>`
}

/** A PunchOutSetupRequest shaped like a buyer network's (DOCTYPE, From/To/Sender, Extrinsics, Contact), ~1.6 kB. */
export function setupBody(fx: Fixture, buyer: Buyer, payloadId = 'bench-setup@buyer.example.com'): string {
  return `${envelope(fx, payloadId)}
<Request deploymentMode="production">
<PunchOutSetupRequest operation="create">
<BuyerCookie>bench-cookie-0123456789abcdef</BuyerCookie>
<Extrinsic name="UserEmail">${buyer.email}</Extrinsic>
<Extrinsic name="UniqueName">${buyer.uniqueName}</Extrinsic>
<Extrinsic name="FirstName">${buyer.firstName}</Extrinsic>
<Extrinsic name="LastName">${buyer.lastName}</Extrinsic>
<Extrinsic name="Role">${fx.role}</Extrinsic>
<Extrinsic name="CostCenter">CC-4711</Extrinsic>
<Extrinsic name="Department">Facilities</Extrinsic>
<BrowserFormPost><URL>${fx.returnUrl}</URL></BrowserFormPost>
<Contact role="endUser"><Name xml:lang="en">${buyer.firstName} ${buyer.lastName}</Name><Email>${buyer.email}</Email></Contact>
<ShipTo><Address addressID="SHIP-01"><Name xml:lang="en">Main plant</Name><PostalAddress><Street>1 Industrial Way</Street><City>Springfield</City><Country isoCountryCode="US">United States</Country></PostalAddress></Address></ShipTo>
</PunchOutSetupRequest>
</Request>
</cXML>`
}

/**
 * A `new` OrderRequest of 5 lines from the bench's buyer network, ~3 kB; `id` makes both its
 * payloadID and its orderID unique (intake is idempotent per payloadID, and refuses a second `new`
 * of one orderID).
 */
export function orderBody(fx: Fixture, id: string): string {
  const lines = Array.from({ length: 5 }, (_, i) => `<ItemOut quantity="${i + 1}" lineNumber="${i + 1}">
<ItemID><SupplierPartID>BENCH-SKU-${String(i + 1).padStart(5, '0')}</SupplierPartID></ItemID>
<ItemDetail><UnitPrice><Money currency="EUR">${(9.95 + i).toFixed(2)}</Money></UnitPrice><Description xml:lang="en">Bench product ${i + 1}</Description><UnitOfMeasure>BX</UnitOfMeasure><Classification domain="UNSPSC">46181504</Classification></ItemDetail>
</ItemOut>`).join('\n')
  const total = Array.from({ length: 5 }, (_, i) => (i + 1) * (9.95 + i)).reduce((a, b) => a + b, 0).toFixed(2)
  return `${envelope(fx, `${id}@buyer.example.com`)}
<Request deploymentMode="production">
<OrderRequest>
<OrderRequestHeader orderID="PO-${id}" orderDate="2026-11-23T10:00:00-05:00" type="new">
<Total><Money currency="EUR">${total}</Money></Total>
<ShipTo><Address addressID="SHIP-01"><Name xml:lang="en">Main plant</Name><PostalAddress><Street>1 Industrial Way</Street><City>Springfield</City><Country isoCountryCode="US">United States</Country></PostalAddress></Address></ShipTo>
<BillTo><Address addressID="BILL-01"><Name xml:lang="en">Accounts payable</Name><PostalAddress><Street>1 Industrial Way</Street><City>Springfield</City><Country isoCountryCode="US">United States</Country></PostalAddress></Address></BillTo>
<Comments xml:lang="en">Deliver to dock 4</Comments>
</OrderRequestHeader>
${lines}
</OrderRequest>
</Request>
</cXML>`
}

/** The StartPage token in a PunchOutSetupResponse (the gateway's and its shape only). */
export const startTokenOf = (body: string): string | undefined => /\/punchout\/start\/([A-Za-z0-9_-]+)<\/URL>/.exec(body)?.[1]

/** An OCI login (catalog start) of the known buyer, as SAP SRM opens it in the browser. */
export function ociPath(fx: Fixture): string {
  const q = new URLSearchParams({
    USERNAME: fx.oci.username, PASSWORD: fx.oci.password, HOOK_URL: fx.returnUrl,
    OCI_VERSION: '4.0', '~OkCode': 'ADDI', '~TARGET': '_top', '~CALLER': 'CTLG',
    'SY-UNAME': 'MUELLER', USER_EMAIL: 'hans.mueller@buyer.example.com', USER_NAME: 'Hans Müller', ROLE: fx.role, 'SY-LANGU': 'DE',
  })
  return `/punchout/oci?${q}`
}

/** A storefront cart of `lines` distinct lines, every optional field filled (the heaviest document per line). */
export function cartBody(lines: number): string {
  const items = Array.from({ length: lines }, (_, i) => ({
    sku: `BENCH-SKU-${String(i + 1).padStart(5, '0')}`,
    quantity: (i % 7) + 1,
    unitPrice: Number((9.95 + i * 0.37).toFixed(2)),
    currency: 'EUR',
    description: `Bench product ${i + 1}: nitrile gloves, powder-free, size L, box of 100 & more`,
    unitOfMeasure: 'BX',
    classification: '46181504',
    leadTimeDays: 4,
    manufacturerName: 'Ansell',
    manufacturerPartId: `TF-250-${i + 1}`,
  }))
  return JSON.stringify({ items })
}
