const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

export interface OrderLineOptions {
  sku: string
  quantity: string
  unitPrice: string
  currency?: string
  aux?: string
}

export interface OrderOptions {
  payloadID: string
  orderID: string
  type?: 'new' | 'update' | 'delete'
  secret?: string
  total?: string
  /** The envelope's timestamp (default 2026-11-23T10:00:00-05:00). */
  timestamp?: string
  lines?: OrderLineOptions[]
  /** URLs of `<Attachment>` elements in the header's Comments. */
  attachmentUrls?: string[]
}

/** A cXML OrderRequest from the buyer credential the setup helpers use (NetworkID AN-BUYER-1). */
export function orderRequest(o: OrderOptions): string {
  const lines = (o.lines ?? [{ sku: 'A-1', quantity: '2', unitPrice: '3.50' }]).map((l, i) => `<ItemOut quantity="${l.quantity}" lineNumber="${i + 1}"><ItemID><SupplierPartID>${esc(l.sku)}</SupplierPartID>${l.aux ? `<SupplierPartAuxiliaryID>${esc(l.aux)}</SupplierPartAuxiliaryID>` : ''}</ItemID>
<ItemDetail><UnitPrice><Money currency="${l.currency ?? 'EUR'}">${l.unitPrice}</Money></UnitPrice><Description xml:lang="en">Item ${esc(l.sku)}</Description><UnitOfMeasure>EA</UnitOfMeasure><Classification domain="UNSPSC">44121700</Classification></ItemDetail></ItemOut>`).join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="${esc(o.payloadID)}" timestamp="${esc(o.timestamp ?? '2026-11-23T10:00:00-05:00')}" xml:lang="en-US">
<Header><From><Credential domain="NetworkID"><Identity>AN-BUYER-1</Identity></Credential></From><To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>AN-BUYER-1</Identity><SharedSecret>${esc(o.secret ?? 's3cret-shared')}</SharedSecret></Credential><UserAgent>Test Procurement 1.0</UserAgent></Sender></Header>
<Request deploymentMode="production"><OrderRequest><OrderRequestHeader orderID="${esc(o.orderID)}" orderDate="2026-11-23T10:00:00-05:00" type="${o.type ?? 'new'}">
<Total><Money currency="EUR">${o.total ?? '7.00'}</Money></Total><Comments>Deliver to dock 4${(o.attachmentUrls ?? []).map((u) => `<Attachment><URL>${esc(u)}</URL></Attachment>`).join('')}</Comments></OrderRequestHeader>
${lines}
</OrderRequest></Request></cXML>`
}

export interface MimePartOptions {
  headers: Record<string, string>
  body: string | Buffer
}

/** A multipart/related body from its parts (CRLF line ends), and the Content-Type that names its boundary. */
export function multipartRelated(parts: MimePartOptions[], params = ''): { body: Buffer; contentType: string } {
  const boundary = 'MIME_boundary_punchgate_test'
  const chunks: Buffer[] = []
  for (const part of parts) {
    const headers = Object.entries(part.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')
    chunks.push(Buffer.from(`--${boundary}\r\n${headers}\r\n`), Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/related; boundary="${boundary}"; type="text/xml"${params}` }
}
