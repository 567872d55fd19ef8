import { Buffer } from 'node:buffer'
import type { Customer, PunchoutSession } from '../../persistence/entities/index.ts'
import { buildPunchOutOrderMessage, newPayloadId } from '../../protocols/cxml/build.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'
import { buildOciCartFields, buildOciXmlCartFields } from '../../protocols/oci/cart.ts'
import type { Deps } from '../deps.ts'
import { ociOptionsSchema } from './oci-options.ts'

/** What the buyer's browser must post, and where: rendered as an auto-post form or as JSON. */
export interface CartTransfer {
  action: string
  target?: string
  charset: 'UTF-8' | 'ISO-8859-1'
  fields: Array<[string, string]>
  /** 'cxml-urlencoded' | 'cxml-base64' | 'oci' | 'oci-xml' */
  transport: string
  /** What is kept on the Cart row: the PunchOutOrderMessage, or the OCI fields as JSON. */
  document: string
}

export const GATEWAY_USER_AGENT = 'Punchgate 0.1'

/** cXML: the PunchOutOrderMessage in `cxml-urlencoded`, or `cxml-base64` where the customer asks. */
export function cxmlTransfer(
  deps: Deps,
  session: PunchoutSession,
  customer: Customer,
  lines: CartLine[],
  currency: string | null,
  total: string,
  now: Date,
): CartTransfer {
  const ctx = session.protocolContext
  const supplier = ctx.supplierCredentials?.length ? ctx.supplierCredentials : [{ domain: 'NetworkID', identity: 'punchgate' }]
  const xml = buildPunchOutOrderMessage({
    payloadID: newPayloadId(new URL(deps.config.publicUrl).hostname),
    timestamp: now,
    from: supplier,
    to: ctx.buyerCredentials ?? [],
    sender: supplier[0]!,
    userAgent: GATEWAY_USER_AGENT,
    buyerCookie: session.buyerCookie ?? '',
    // A buyer system routes test carts apart from production ones: the cart goes back as the setup came.
    deploymentMode: session.deploymentMode,
    // The buyer may re-open a create/edit cart for editing; an inspect cart is never returned.
    operationAllowed: 'edit',
    currency: currency ?? 'USD',
    total,
    lines,
  })
  const base64 = customer.cartTransport === 'cxml-base64'
  return {
    action: session.returnUrl!,
    charset: 'UTF-8',
    fields: [[customer.cartTransport, base64 ? Buffer.from(xml, 'utf8').toString('base64') : xml]],
    transport: customer.cartTransport,
    document: xml,
  }
}

/** OCI: NEW_ITEM-* fields (or the OCI 5.0 XML document) to HOOK_URL with ~TARGET. */
export function ociTransfer(session: PunchoutSession, customer: Customer, lines: CartLine[]): CartTransfer {
  const options = ociOptionsSchema.parse(customer.ociOptions ?? {})
  const oci = session.protocolContext.oci ?? {}
  const ociLines = lines.map((l) => ({
    sku: l.sku,
    description: l.description,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    currency: l.currency,
    unitOfMeasure: l.unitOfMeasure,
    ...(l.classification ? { matGroup: l.classification.code, extCategoryId: l.classification.code, extSchemaType: l.classification.domain } : {}),
    ...(l.leadTimeDays !== undefined ? { leadTimeDays: l.leadTimeDays } : {}),
    // MANUFACTCODE is SAP's manufacturer *number*; the cart has only a name, so it is not sent.
    ...(l.manufacturerPartId ? { manufacturerPartId: l.manufacturerPartId } : {}),
    extProductId: l.auxiliaryId,
    vendorMat: l.sku,
  }))
  const cartOptions = {
    ociVersion: (oci.version === '5.0' ? '5.0' : '4.0') as '4.0' | '5.0',
    unitSystem: options.unitSystem,
    unitOverrides: options.unitOverrides,
    ...(options.optionalFields ? { optionalFields: options.optionalFields } : {}),
    // Echoed exactly as sent, an empty value included (docs/oci.md, "Buyer-system quirks").
    ...(oci.okCode !== undefined ? { okCode: oci.okCode } : {}),
    ...(oci.target !== undefined ? { target: oci.target } : {}),
    ...(oci.caller !== undefined ? { caller: oci.caller } : {}),
  }
  const useXml = options.xml || oci.xml === true
  const fields = useXml ? buildOciXmlCartFields(ociLines, cartOptions) : buildOciCartFields(ociLines, cartOptions)
  return {
    action: session.returnUrl!,
    ...(oci.target ? { target: oci.target } : {}),
    charset: options.charset,
    fields,
    transport: useXml ? 'oci-xml' : 'oci',
    document: JSON.stringify(fields),
  }
}
