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
  lines?: OrderLineOptions[]
}

/** A cXML OrderRequest from the buyer credential the setup helpers use (NetworkID AN-BUYER-1). */
export function orderRequest(o: OrderOptions): string {
  const lines = (o.lines ?? [{ sku: 'A-1', quantity: '2', unitPrice: '3.50' }]).map((l, i) => `<ItemOut quantity="${l.quantity}" lineNumber="${i + 1}"><ItemID><SupplierPartID>${esc(l.sku)}</SupplierPartID>${l.aux ? `<SupplierPartAuxiliaryID>${esc(l.aux)}</SupplierPartAuxiliaryID>` : ''}</ItemID>
<ItemDetail><UnitPrice><Money currency="${l.currency ?? 'EUR'}">${l.unitPrice}</Money></UnitPrice><Description xml:lang="en">Item ${esc(l.sku)}</Description><UnitOfMeasure>EA</UnitOfMeasure><Classification domain="UNSPSC">44121700</Classification></ItemDetail></ItemOut>`).join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="${esc(o.payloadID)}" timestamp="2026-11-23T10:00:00-05:00" xml:lang="en-US">
<Header><From><Credential domain="NetworkID"><Identity>AN-BUYER-1</Identity></Credential></From><To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>AN-BUYER-1</Identity><SharedSecret>${esc(o.secret ?? 's3cret-shared')}</SharedSecret></Credential><UserAgent>Test Procurement 1.0</UserAgent></Sender></Header>
<Request deploymentMode="production"><OrderRequest><OrderRequestHeader orderID="${esc(o.orderID)}" orderDate="2026-11-23T10:00:00-05:00" type="${o.type ?? 'new'}">
<Total><Money currency="EUR">${o.total ?? '7.00'}</Money></Total><Comments>Deliver to dock 4</Comments></OrderRequestHeader>
${lines}
</OrderRequest></Request></cXML>`
}
