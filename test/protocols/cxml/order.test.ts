import t from 'tap'
import type { OrderRequest } from '../../../src/protocols/cxml/order-types.ts'
import { parseCxmlRequest } from '../../../src/protocols/cxml/parse.ts'
import { assertRefused, cxmlDoc, fixture } from './helpers.ts'

const parse = (xml: string | Buffer) => parseCxmlRequest(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml)
const order = (xml: string | Buffer) => parse(xml).request as OrderRequest

const ITEM = '<ItemOut quantity="1"><ItemID><SupplierPartID>A-1</SupplierPartID></ItemID></ItemOut>'
const doc = (header: string, items = ITEM) => cxmlDoc({ request: `<OrderRequest><OrderRequestHeader ${header}></OrderRequestHeader>${items}</OrderRequest>` })

t.test('the Coupa OrderRequest: header, addresses, lines with auxiliary ids, exact amounts', async (t) => {
  const request = order(fixture('coupa-orderrequest-new-1.2.014.xml'))
  t.match(request, {
    kind: 'OrderRequest', orderID: '3309', orderDate: '2020-03-31T21:39:22+01:00', type: 'new',
    total: { amount: '91.71', currency: 'USD' },
    shipTo: { addressID: '21444', name: 'Network', street: ['Main Street'], city: 'New York', postalCode: '10018', country: 'United States' },
    billTo: { addressID: '21444', email: 'kasdjfasf@optisconsulting.com' },
  })
  t.same(request.items, [
    { quantity: '1', lineNumber: 1, supplierPartID: 'product:1861', supplierPartAuxiliaryID: 'product-requisition:6236', unitPrice: { amount: '8.1', currency: 'USD' }, description: 'Yogurt Whips, Key Lime Pie, 4oz Cup', unitOfMeasure: 'EA', classification: { domain: 'UNSPSC', code: 'unknown' } },
    { quantity: '9', lineNumber: 2, supplierPartID: 'product:4884', supplierPartAuxiliaryID: 'product-requisition:6235', unitPrice: { amount: '9.29', currency: 'USD' }, description: "Zingerman's Cheese Spreads Pimento Cheese", unitOfMeasure: 'EA', classification: { domain: 'UNSPSC', code: 'unknown' } },
  ])
})

t.test('the generic OrderRequest: test mode, phones, comments, lines without auxiliary ids', async (t) => {
  const parsed = parse(fixture('generic-orderrequest-new-deploymenttest-multi-item.xml'))
  t.equal(parsed.envelope.deploymentMode, 'test')
  const request = parsed.request as OrderRequest
  t.match(request, { orderID: 'DO1234', type: 'new', total: { amount: '85.00', currency: 'EUR' }, shipTo: { name: 'Acme', phone: '+1 800 5551212' }, billTo: { name: 'Zinc GmbH', country: 'Deutschland' } })
  t.same(request.items.map((i) => [i.supplierPartID, i.quantity, i.unitPrice, i.supplierPartAuxiliaryID]), [
    ['1233244', '10', { amount: '2.10', currency: 'EUR' }, undefined],
    ['1233245', '20', { amount: '3.20', currency: 'EUR' }, undefined],
  ])
})

t.test('type: the DTD default is new; update and delete are read; anything else is refused', async (t) => {
  t.equal(order(doc('orderID="1"')).type, 'new')
  t.equal(order(doc('orderID="1" type="update"')).type, 'update')
  t.equal(order(doc('orderID="1" type="delete"', '')).type, 'delete')
  assertRefused(t, () => parse(doc('orderID="1" type="replace"')), 'PG_ERR_CXML_INVALID', /type="replace" is not valid/)
})

t.test('what an order cannot do without is refused with the place to fix', async (t) => {
  assertRefused(t, () => parse(doc('type="new"')), 'PG_ERR_CXML_INVALID', /no orderID/)
  assertRefused(t, () => parse(doc('orderID="1"', '')), 'PG_ERR_CXML_INVALID', /has no ItemOut/)
  assertRefused(t, () => parse(doc('orderID="1"', ITEM.replace('quantity="1"', 'quantity="0"'))), 'PG_ERR_CXML_INVALID', /ItemOut\[1\] quantity="0" is not a positive/)
  assertRefused(t, () => parse(doc('orderID="1"', ITEM.replace('quantity="1"', 'quantity="1e3"'))), 'PG_ERR_CXML_INVALID', /not a positive decimal/)
  assertRefused(t, () => parse(doc('orderID="1"', '<ItemOut quantity="1"><ItemID><SupplierPartID> </SupplierPartID></ItemID></ItemOut>')), 'PG_ERR_CXML_INVALID', /SupplierPartID is empty/)
  assertRefused(t, () => parse(doc('orderID="1"><Total><Money currency="EUR">1,50</Money></Total')), 'PG_ERR_CXML_INVALID', /Total\/Money "1,50" is not a plain decimal/)
  assertRefused(t, () => parse(doc('orderID="1"><Total><Money>1.50</Money></Total')), 'PG_ERR_CXML_INVALID', /no three-letter currency/)
})
