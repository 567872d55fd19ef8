/**
 * The XML variant of the OCI cart return: instead of one hidden field per NEW_ITEM value, the
 * cart is one XML document, base64-encoded, in the form field `~xmlDocument`, with its format
 * named in `~xml_type` (value `ESAPO`).
 *
 * Source: we could not read SAP's OCI 5.0 PDF here, so the structure follows SAP's own catalog
 * code, the hybris OCI extension (`de.hybris.platform.oci.jalo.utils.Utils#generateXMLData`;
 * docs/oci.md, "The XML variant"): root `BusinessDocument/Catalog`, one `Product` per line,
 * `~xml_type=ESAPO`. SAP spells the type field `~xml_type`, `~xmlType` and `~XML_TYPE` in
 * different places (docs/oci.md, "Buyer-system quirks"; KonaKart sends `~XML_TYPE=ESAPO-3.5`),
 * and buyer systems read names case-insensitively in practice. Fields the ESAPO shape has no
 * element for (EXT_SCHEMA_TYPE, EXT_CATEGORY_ID, CUST_FIELD1-5, OCI 5.0 TAX) are added as elements
 * named after the NEW_ITEM field (`<NEW_ITEM-TAX>`), the way that extension adds custom parameters.
 * Confirm with the customer before enabling this variant; the HTML-field cart is the default.
 */
import { ociControlFields, ociLineValues, type OciCartLine, type OciCartOptions } from './line-values.ts'

/** Form field carrying the base64 (UTF-8) XML document. */
export const OCI_XML_DOCUMENT_FIELD = '~xmlDocument'
/** Form field naming the XML format, and its value. */
export const OCI_XML_TYPE_FIELD = '~xml_type'
export const OCI_XML_TYPE = 'ESAPO'

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

/** Element with escaped text; empty values give an empty element, as the reference output does. */
const el = (indent: string, name: string, value: string | undefined, attrs = ''): string =>
  `${indent}<${name}${attrs}>${escapeXml(value ?? '')}</${name}>\n`

const EXTENSION_FIELDS = [
  'EXT_SCHEMA_TYPE', 'EXT_CATEGORY_ID', 'CUST_FIELD1', 'CUST_FIELD2', 'CUST_FIELD3', 'CUST_FIELD4', 'CUST_FIELD5', 'TAX',
]

function productXml(values: Map<string, string>): string {
  const v = (f: string): string | undefined => values.get(f)
  const i3 = '      '
  const i4 = '        '
  const i5 = '          '
  let x = '    <Product ProductType="Product">\n'
  // MATNR is the buyer's product number; we never know it, so ProductID stays empty.
  x += el(i3, 'ProductID', undefined, ' Code="Buyer"')
  x += el(i3, 'CatalogKey', v('EXT_PRODUCT_ID'))
  x += el(i3, 'ParentCategoryID', v('MATGROUP'))
  x += el(i3, 'Description', v('DESCRIPTION'))
  x += `${i3}<ShoppingBasketItem RefVendorDescription="0" RefManufacturerDescription="1">\n`
  x += el(i4, 'Quantity', v('QUANTITY'), ` UoM="${escapeXml(v('UNIT') ?? '')}"`)
  x += `${i4}<NetPrice>\n`
  x += el(i5, 'Price', v('PRICE'), ` Currency="${escapeXml(v('CURRENCY') ?? '')}"`)
  x += el(i5, 'PriceUnit', v('PRICEUNIT'))
  x += `${i4}</NetPrice>\n`
  x += el(i4, 'LeadTime', v('LEADTIME'))
  x += `${i4}<Quote>\n${el(i5, 'QuoteID', v('EXT_QUOTE_ID'))}${el(i5, 'QuoteItemID', v('EXT_QUOTE_ITEM'))}${i4}</Quote>\n`
  x += el(i4, 'ItemText', v('LONGTEXT'))
  x += `${i3}</ShoppingBasketItem>\n`
  x += `${i3}<ManufacturerDescription ID="1">\n`
  x += el(i4, 'PartnerProductID', v('MANUFACTMAT'), ' Code="Other"')
  x += el(i4, 'PartnerID', v('MANUFACTCODE'), ' Code="Other"')
  x += `${i3}</ManufacturerDescription>\n`
  x += `${i3}<VendorDescription ID="0">\n`
  x += el(i4, 'PartnerProductID', v('VENDORMAT'), ' Code="Other"')
  x += el(i4, 'PartnerID', v('VENDOR'), ' Code="Other"')
  x += `${i4}<BuyerContract>\n${el(i5, 'ContractID', v('CONTRACT'))}${el(i5, 'ContractItemID', v('CONTRACT_ITEM'))}${i4}</BuyerContract>\n`
  x += `${i3}</VendorDescription>\n`
  for (const f of EXTENSION_FIELDS) if (values.has(f)) x += el(i3, `NEW_ITEM-${f}`, v(f))
  return `${x}    </Product>\n`
}

/**
 * The cart as an ESAPO XML document (UTF-8). Same values as the HTML cart: lengths, units and
 * price units come from `ociLineValues`.
 */
export function buildOciXmlCart(lines: OciCartLine[], options: OciCartOptions): string {
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<BusinessDocument>\n  <Catalog>\n'
  lines.forEach((line, i) => {
    xml += productXml(new Map(ociLineValues(line, options, i + 1)))
  })
  return `${xml}  </Catalog>\n</BusinessDocument>\n`
}

/**
 * The form fields for the XML variant: the `~OkCode`/`~TARGET`/`~CALLER` echo (docs/oci.md,
 * "Buyer-system quirks"; harmless where the buyer ignores them), the base64 document and its type.
 */
export function buildOciXmlCartFields(lines: OciCartLine[], options: OciCartOptions): Array<[string, string]> {
  const doc = Buffer.from(buildOciXmlCart(lines, options), 'utf8').toString('base64')
  return [...ociControlFields(options), [OCI_XML_DOCUMENT_FIELD, doc], [OCI_XML_TYPE_FIELD, OCI_XML_TYPE]]
}
