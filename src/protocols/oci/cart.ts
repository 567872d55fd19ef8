/**
 * OCI cart return (HTML variant): the hidden form fields the browser posts to HOOK_URL
 * (docs/oci.md, "OCI cart return"). Render them with `renderAutoPostForm` (src/protocols/forms.ts)
 * and post to HOOK_URL unchanged, query string included (docs/oci.md, "Buyer-system quirks").
 *
 * Field names: `NEW_ITEM-<FIELD>[n]` with a 1-based n; long text is `NEW_ITEM-LONGTEXT_<n>:132[]`
 * with the line number inside the name and empty brackets (meplato/sapoci; mathielen/sapoci
 * `addFieldToFormData`). Values, lengths, units and price units: line-values.ts.
 */
import { ociControlFields, ociLineValues, type OciCartLine, type OciCartOptions } from './line-values.ts'

export type { OciCartLine, OciCartOptions, OciLineValues } from './line-values.ts'
export {
  OCI_FIELD_LENGTHS,
  OCI_LARGE_CART_LINES,
  OCI_OPTIONAL_FIELDS,
  OCI_REQUIRED_FIELDS,
  ociControlFields,
  ociLineValues,
} from './line-values.ts'
export { buildOciXmlCart, buildOciXmlCartFields, OCI_XML_DOCUMENT_FIELD, OCI_XML_TYPE, OCI_XML_TYPE_FIELD } from './xml-cart.ts'

/** The form field name of one value of line `n` (1-based). */
export const ociItemFieldName = (field: string, n: number): string =>
  field === 'LONGTEXT' ? `NEW_ITEM-LONGTEXT_${n}:132[]` : `NEW_ITEM-${field}[${n}]`

/**
 * All fields of the cart post, in order: the `~OkCode`/`~TARGET`/`~CALLER` echo first, then each
 * line's fields. An empty `lines` gives only the echo, which returns the user to the buyer
 * system without items. Throws PG_ERR_CART_INVALID naming the line for values OCI cannot carry.
 */
export function buildOciCartFields(lines: OciCartLine[], options: OciCartOptions): Array<[name: string, value: string]> {
  const fields: Array<[string, string]> = ociControlFields(options)
  lines.forEach((line, i) => {
    const n = i + 1
    for (const [field, value] of ociLineValues(line, options, n)) fields.push([ociItemFieldName(field, n), value])
  })
  return fields
}
