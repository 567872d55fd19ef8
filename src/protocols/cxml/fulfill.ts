/**
 * The supplier's outbound order-status documents (docs/cxml.md, "ConfirmationRequest and
 * ShipNoticeRequest"): `ConfirmationRequest` and `ShipNoticeRequest`, declared by the cXML
 * Fulfill DTD, so their DOCTYPE names Fulfill.dtd. Written by the one escaping writer
 * (xml-writer.ts), children in the DTD's order. No database here: the caller hands in the order's
 * references, the lines and the credentials.
 */
import { PunchgateError } from '../../errors/index.ts'
import { CXML_VERSION, cxmlTimestamp } from './build.ts'
import type { Credential } from './types.ts'
import { element, escapeText, serializeDocument, type XmlElement } from './xml-writer.ts'

export const FULFILL_DTD_URL = `http://xml.cxml.org/schemas/cXML/${CXML_VERSION}/Fulfill.dtd`
const LANG = 'en-US'

/**
 * Header and envelope of an outbound request: From and Sender the supplier, To the buyer. The
 * Sender's SharedSecret is not part of it: withSenderSecret puts it in when the document is posted.
 */
export interface FulfillEnvelope {
  payloadID: string
  timestamp: Date
  from: Credential[]
  to: Credential[]
  sender: Credential
  userAgent: string
  deploymentMode: 'production' | 'test'
}

/** The OrderRequest a document answers: its orderID and payloadID (OrderReference/DocumentReference). */
export interface OrderReference {
  orderID: string
  payloadID: string
}

export type ConfirmationType = 'accept' | 'reject' | 'detail'

export interface ConfirmationLine {
  lineNumber: number
  /** The quantity ordered; `status` applies to all of it. */
  quantity: string
  unitOfMeasure: string
  status: 'accept' | 'reject' | 'backordered'
  shipmentDate?: Date
  deliveryDate?: Date
  comments?: string
}

export interface ConfirmationInput extends FulfillEnvelope {
  confirmID: string
  type: ConfirmationType
  noticeDate: Date
  order: OrderReference
  comments?: string
  /** Required for `detail`; accept and reject answer the whole order. */
  lines: ConfirmationLine[]
}

export interface ShippedLine {
  lineNumber: number
  quantity: string
  unitOfMeasure: string
}

export interface ShipNoticeInput extends FulfillEnvelope {
  shipmentID: string
  noticeDate: Date
  shipmentDate: Date
  /** The expected delivery. */
  deliveryDate?: Date
  carrier: { name: string; scac?: string }
  trackingNumber: string
  trackingUrl?: string
  order: OrderReference
  comments?: string
  lines: ShippedLine[]
}

const add = (parent: XmlElement, name: string, attrs: Record<string, string> = {}, text?: string): XmlElement => element(parent, name, attrs, text)

/** cXML Header and Request, returning the Request to fill. */
function envelope(input: FulfillEnvelope): { root: XmlElement; request: XmlElement } {
  const root = element(null, 'cXML', { payloadID: input.payloadID, timestamp: cxmlTimestamp(input.timestamp), version: CXML_VERSION, 'xml:lang': LANG })
  const header = add(root, 'Header')
  party(header, 'From', input.from)
  party(header, 'To', input.to)
  add(party(header, 'Sender', [input.sender]), 'UserAgent', {}, input.userAgent)
  return { root, request: add(root, 'Request', { deploymentMode: input.deploymentMode }) }
}

function party(parent: XmlElement, name: string, credentials: Credential[]): XmlElement {
  if (credentials.length === 0) throw new PunchgateError('PG_ERR_INTERNAL', `The cXML Header/${name} needs at least one Credential.`)
  const el = add(parent, name)
  for (const c of credentials) add(add(el, 'Credential', { domain: c.domain }), 'Identity', {}, c.identity)
  return el
}

function orderReference(parent: XmlElement, order: OrderReference): void {
  add(add(parent, 'OrderReference', { orderID: order.orderID }), 'DocumentReference', { payloadID: order.payloadID })
}

const comments = (parent: XmlElement, text: string | undefined): void => {
  if (text !== undefined && text !== '') add(parent, 'Comments', { 'xml:lang': LANG }, text)
}

/** A decimal as cXML's r8 carries it: no trailing zeros after the point ("2.000000" → "2"). */
export function plainQuantity(value: string): string {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new PunchgateError('PG_ERR_INTERNAL', `Quantity "${value}" is not a plain decimal.`)
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value
}

const serialize = (root: XmlElement): string => serializeDocument(root, { name: 'cXML', systemId: FULFILL_DTD_URL })

/** ConfirmationRequest: ConfirmationHeader, OrderReference, then one ConfirmationItem per line (detail). */
export function buildConfirmationRequest(input: ConfirmationInput): string {
  if (input.type === 'detail' && input.lines.length === 0) {
    throw new PunchgateError('PG_ERR_API_VALIDATION', 'A detail confirmation names at least one line.')
  }
  const { root, request } = envelope(input)
  const confirmation = add(request, 'ConfirmationRequest')
  const header = add(confirmation, 'ConfirmationHeader', { confirmID: input.confirmID, operation: 'new', type: input.type, noticeDate: cxmlTimestamp(input.noticeDate) })
  comments(header, input.comments)
  orderReference(confirmation, input.order)
  for (const line of input.lines) {
    const quantity = plainQuantity(line.quantity)
    const item = add(confirmation, 'ConfirmationItem', { quantity, lineNumber: String(line.lineNumber) })
    add(item, 'UnitOfMeasure', {}, line.unitOfMeasure)
    const status = add(item, 'ConfirmationStatus', {
      quantity,
      type: line.status,
      ...(line.shipmentDate ? { shipmentDate: cxmlTimestamp(line.shipmentDate) } : {}),
      ...(line.deliveryDate ? { deliveryDate: cxmlTimestamp(line.deliveryDate) } : {}),
    })
    add(status, 'UnitOfMeasure', {}, line.unitOfMeasure)
    comments(status, line.comments)
  }
  return serialize(root)
}

/** ShipNoticeRequest: ShipNoticeHeader, ShipControl (carrier, tracking number), ShipNoticePortion with the lines shipped. */
export function buildShipNoticeRequest(input: ShipNoticeInput): string {
  const { root, request } = envelope(input)
  const notice = add(request, 'ShipNoticeRequest')
  const header = add(notice, 'ShipNoticeHeader', {
    shipmentID: input.shipmentID,
    operation: 'new',
    noticeDate: cxmlTimestamp(input.noticeDate),
    shipmentDate: cxmlTimestamp(input.shipmentDate),
    ...(input.deliveryDate ? { deliveryDate: cxmlTimestamp(input.deliveryDate) } : {}),
    shipmentType: 'actual',
  })
  comments(header, input.comments)
  const control = add(notice, 'ShipControl')
  if (input.carrier.scac !== undefined) add(control, 'CarrierIdentifier', { domain: 'SCAC' }, input.carrier.scac)
  add(control, 'CarrierIdentifier', { domain: 'companyName' }, input.carrier.name)
  add(control, 'ShipmentIdentifier', { domain: 'trackingNumber', ...(input.trackingUrl ? { trackingURL: input.trackingUrl } : {}) }, input.trackingNumber)
  const portion = add(notice, 'ShipNoticePortion')
  orderReference(portion, input.order)
  for (const line of input.lines) {
    add(add(portion, 'ShipNoticeItem', { quantity: plainQuantity(line.quantity), lineNumber: String(line.lineNumber) }), 'UnitOfMeasure', {}, line.unitOfMeasure)
  }
  return serialize(root)
}

/** The Sender's first Credential up to its Identity, as serializeDocument writes it; group 1 is the Identity's indentation. */
const SENDER_IDENTITY = /<Sender>\n *<Credential [^>]*>\n( *)<Identity(?:\/>|>[^<]*<\/Identity>)/

/**
 * The document with the supplier's SharedSecret in Header/Sender/Credential, right after its
 * Identity as the DTD orders them (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"). The
 * outbox puts it in just before posting, so the stored document never holds it. The document is
 * one this module built: its writer escapes every `<` and `>` in text and attributes, so the first
 * `<Sender>` is the element and its Credential the one the secret belongs to.
 */
export function withSenderSecret(document: string, secret: string): string {
  const sender = SENDER_IDENTITY.exec(document)
  if (!sender) throw new PunchgateError('PG_ERR_INTERNAL', 'The document has no Header/Sender/Credential/Identity to put the SharedSecret after.')
  const end = sender.index + sender[0].length
  return `${document.slice(0, end)}\n${sender[1]}<SharedSecret>${escapeText(secret)}</SharedSecret>${document.slice(end)}`
}
