/**
 * Outbound cXML documents (responses and the PunchOutOrderMessage), built with xmlbuilder2 so
 * every buyer-supplied value is escaped by the library, never by string concatenation.
 * Children are emitted in the order the cXML 1.2.063 DTD requires (protocol.md §2-§6), since
 * strict buyers validate it (cxml-php#9).
 */
import { randomBytes } from 'node:crypto'
import { create } from 'xmlbuilder2'
import { PunchgateError } from '../../errors/index.ts'
import type { CartLine, Credential, ProfileTransaction, PunchOutOrderMessageInput } from './types.ts'

export const CXML_VERSION = '1.2.063'
export const CXML_DTD_URL = `http://xml.cxml.org/schemas/cXML/${CXML_VERSION}/cXML.dtd`
const LANG = 'en-US'
/** Used when a cart line has no classification: the DTD requires one (ItemDetail has Classification+) and allows empty text. */
export const DEFAULT_CLASSIFICATION_DOMAIN = 'UNSPSC'

type Node = ReturnType<typeof create>

export interface StatusResponseInput {
  payloadID: string
  timestamp: Date
  code: number
  text: string
  detail?: string
}

export interface SetupResponseInput {
  payloadID: string
  timestamp: Date
  startPageUrl: string
}

export interface ProfileResponseInput {
  payloadID: string
  timestamp: Date
  effectiveDate: Date
  transactions: ProfileTransaction[]
}

/** ISO 8601 with an explicit offset, as the DTD's datetime.tz wants: `2024-05-01T10:00:00+00:00`. */
export function cxmlTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new PunchgateError('PG_ERR_INTERNAL', 'cxmlTimestamp was given an invalid Date.')
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00')
}

/** A globally unique payloadID in the usual `<epochms>.<pid>.<random hex>@<hostname>` shape. */
export function newPayloadId(hostname: string): string {
  return `${Date.now()}.${process.pid}.${randomBytes(8).toString('hex')}@${hostname}`
}

/**
 * A decimal string without exponent, dot as separator, `min`..`max` fraction digits.
 * Strings are taken as given when they are plain decimals (only padded to `min` digits).
 */
function decimal(value: number | string, min: number, max: number, what: string): string {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) >= 1e21) throw new PunchgateError('PG_ERR_CART_INVALID', `${what} ${value} is not a finite amount.`)
    text = value.toFixed(max).replace(/0+$/, '').replace(/\.$/, '')
    if (text === '-0') text = '0'
  } else {
    text = value.trim()
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new PunchgateError('PG_ERR_CART_INVALID', `${what} "${value}" is not a plain decimal number (digits with a dot).`)
  }
  const [whole, fraction = ''] = text.split('.')
  return fraction.length >= min ? text : `${whole}.${fraction.padEnd(min, '0')}`
}

/** Money: at least 2 decimals, numbers rounded to at most 4. */
export const formatMoney = (value: number | string, what = 'Amount'): string => decimal(value, 2, 4, what)

/**
 * Attribute values: a parser turns tab/CR/LF inside an attribute into spaces (attribute-value
 * normalization), so do it here and the value the buyer reads is the value we meant.
 */
const attrValue = (value: string): string => value.replace(/\r\n|[\t\n\r]/g, ' ')

function newDocument(payloadID: string, timestamp: Date): { doc: Node; root: Node } {
  // invalidCharReplacement: control characters cannot appear in XML 1.0 at all; drop them
  // rather than emit a document no buyer can parse.
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' })
  doc.dtd({ name: 'cXML', sysID: CXML_DTD_URL })
  const root = doc.ele('cXML', {
    payloadID: attrValue(payloadID),
    timestamp: cxmlTimestamp(timestamp),
    version: CXML_VERSION,
    'xml:lang': LANG,
  })
  return { doc, root }
}

function serialize(doc: Node): string {
  // A literal CR in text would be read back as LF (end-of-line normalization); the pretty
  // printer itself only writes LF, so every CR left in the output came from a value.
  return doc.end({ prettyPrint: true }).replace(/\r/g, '&#xD;')
}

function status(parent: Node, code: number, text: string, detail?: string): void {
  if (!Number.isInteger(code) || code < 0) throw new PunchgateError('PG_ERR_INTERNAL', `cXML Status code ${code} is not an unsigned integer.`)
  const el = parent.ele('Status', { code: String(code), text: attrValue(text) })
  if (detail !== undefined && detail !== '') el.txt(detail)
}

/** `<Response><Status code text>detail</Status></Response>`. */
export function buildStatusResponse(input: StatusResponseInput): string {
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  status(root.ele('Response'), input.code, input.text, input.detail)
  return serialize(doc)
}

/** 200 OK with PunchOutSetupResponse/StartPage/URL. */
export function buildSetupResponse(input: SetupResponseInput): string {
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  const response = root.ele('Response')
  status(response, 200, 'OK')
  response.ele('PunchOutSetupResponse').ele('StartPage').ele('URL').txt(input.startPageUrl)
  return serialize(doc)
}

/** ProfileResponse listing each accepted request with its URL (DTD: Transaction+). */
export function buildProfileResponse(input: ProfileResponseInput): string {
  if (input.transactions.length === 0) throw new PunchgateError('PG_ERR_INTERNAL', 'A ProfileResponse needs at least one Transaction.')
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  const response = root.ele('Response')
  status(response, 200, 'OK')
  const profile = response.ele('ProfileResponse', { effectiveDate: cxmlTimestamp(input.effectiveDate) })
  for (const t of input.transactions) {
    profile.ele('Transaction', { requestName: attrValue(t.requestName) }).ele('URL').txt(t.url)
  }
  return serialize(doc)
}

function party(parent: Node, name: string, credentials: Credential[]): Node {
  if (credentials.length === 0) throw new PunchgateError('PG_ERR_INTERNAL', `The cXML Header/${name} needs at least one Credential.`)
  const el = parent.ele(name)
  for (const c of credentials) el.ele('Credential', { domain: attrValue(c.domain) }).ele('Identity').txt(c.identity)
  return el
}

/** ItemIn children in DTD order: ItemID, ItemDetail (UnitPrice, Description, UnitOfMeasure, Classification, ManufacturerPartID, ManufacturerName, LeadTime). */
function itemIn(parent: Node, line: CartLine, index: number): void {
  const item = parent.ele('ItemIn', { quantity: decimal(line.quantity, 0, 4, `Line ${index + 1} quantity`), lineNumber: String(index + 1) })
  const id = item.ele('ItemID')
  id.ele('SupplierPartID').txt(line.sku)
  if (line.auxiliaryId !== '') id.ele('SupplierPartAuxiliaryID').txt(line.auxiliaryId)
  const detail = item.ele('ItemDetail')
  detail.ele('UnitPrice').ele('Money', { currency: attrValue(line.currency) }).txt(formatMoney(line.unitPrice, `Line ${index + 1} unit price`))
  detail.ele('Description', { 'xml:lang': LANG }).txt(line.description)
  detail.ele('UnitOfMeasure').txt(line.unitOfMeasure)
  const classification = line.classification
  detail
    .ele('Classification', { domain: attrValue(classification?.domain || DEFAULT_CLASSIFICATION_DOMAIN) })
    .txt(classification?.code ?? '')
  if (line.manufacturerPartId !== undefined) detail.ele('ManufacturerPartID').txt(line.manufacturerPartId)
  if (line.manufacturerName !== undefined) detail.ele('ManufacturerName').txt(line.manufacturerName)
  if (line.leadTimeDays !== undefined) {
    if (!Number.isInteger(line.leadTimeDays) || line.leadTimeDays < 0) {
      throw new PunchgateError('PG_ERR_CART_INVALID', `Line ${index + 1} lead time ${line.leadTimeDays} is not a whole number of days.`)
    }
    detail.ele('LeadTime').txt(String(line.leadTimeDays))
  }
}

/** The cart return (protocol.md §4). The BuyerCookie is echoed exactly as received. */
export function buildPunchOutOrderMessage(input: PunchOutOrderMessageInput): string {
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  const header = root.ele('Header')
  party(header, 'From', input.from)
  party(header, 'To', input.to)
  // Sender carries no SharedSecret: the POOM travels through the user's browser (DTD note on Credential).
  party(header, 'Sender', [input.sender]).ele('UserAgent').txt(input.userAgent)
  const message = root.ele('Message', input.deploymentMode === 'test' ? { deploymentMode: 'test' } : {})
  const poom = message.ele('PunchOutOrderMessage')
  poom.ele('BuyerCookie').txt(input.buyerCookie)
  poom
    .ele('PunchOutOrderMessageHeader', { operationAllowed: input.operationAllowed })
    .ele('Total')
    .ele('Money', { currency: attrValue(input.currency) })
    .txt(formatMoney(input.total, 'Cart total'))
  input.lines.forEach((line, i) => itemIn(poom, line, i))
  return serialize(doc)
}
