/**
 * Outbound cXML documents (responses and the PunchOutOrderMessage), built with xmlbuilder2 so
 * every buyer-supplied value is escaped by the library, never by string concatenation.
 * Children are emitted in the order the cXML 1.2.063 DTD requires (docs/cxml.md, "Element order"), since
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
 * xmlbuilder2 4 leaves an `&` unescaped when it starts something entity-like (`&amp;`, `&lt;`,
 * `&foo;`, `&#65;`), so a buyer would read the literal text "&lt;" back as "<", and "&foo;"
 * makes the document ill-formed. Every `&` is therefore handed over as `&#38;`, which the
 * library passes through untouched, and serialize() rewrites each `&#38;` to `&amp;` (no
 * other `&#38;` can exist in the output, since every `&` of a value went through here).
 */
const AMP = '&#38;'
const safe = (value: string): string => value.replace(/&/g, AMP)

/**
 * Attribute values: a parser turns tab/CR/LF inside an attribute into spaces (attribute-value
 * normalization), so do it here and the value the buyer reads is the value we meant.
 */
const attrValue = (value: string): string => safe(value.replace(/\r\n|[\t\n\r]/g, ' '))

/** Append `<name attrs>text</name>`; every value is escaped by safe()/attrValue(). */
function add(parent: Node, name: string, attrs: Record<string, string> = {}, text?: string): Node {
  const el = parent.ele(name, Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, attrValue(v)])))
  if (text !== undefined) el.txt(safe(text))
  return el
}

function newDocument(payloadID: string, timestamp: Date): { doc: Node; root: Node } {
  // invalidCharReplacement: control characters cannot appear in XML 1.0 at all; drop them
  // rather than emit a document no buyer can parse.
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' })
  doc.dtd({ name: 'cXML', sysID: CXML_DTD_URL })
  const root = add(doc, 'cXML', { payloadID, timestamp: cxmlTimestamp(timestamp), version: CXML_VERSION, 'xml:lang': LANG })
  return { doc, root }
}

function serialize(doc: Node): string {
  // A literal CR in text would be read back as LF (end-of-line normalization); the pretty
  // printer itself only writes LF, so every CR left in the output came from a value.
  return doc.end({ prettyPrint: true }).replaceAll(AMP, '&amp;').replace(/\r/g, '&#xD;')
}

function status(parent: Node, code: number, text: string, detail?: string): void {
  if (!Number.isInteger(code) || code < 0) throw new PunchgateError('PG_ERR_INTERNAL', `cXML Status code ${code} is not an unsigned integer.`)
  add(parent, 'Status', { code: String(code), text }, detail === '' ? undefined : detail)
}

/** `<Response><Status code text>detail</Status></Response>`. */
export function buildStatusResponse(input: StatusResponseInput): string {
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  status(add(root, 'Response'), input.code, input.text, input.detail)
  return serialize(doc)
}

/** 200 OK with PunchOutSetupResponse/StartPage/URL. */
export function buildSetupResponse(input: SetupResponseInput): string {
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  const response = add(root, 'Response')
  status(response, 200, 'OK')
  add(add(add(response, 'PunchOutSetupResponse'), 'StartPage'), 'URL', {}, input.startPageUrl)
  return serialize(doc)
}

/** ProfileResponse listing each accepted request with its URL (DTD: Transaction+). */
export function buildProfileResponse(input: ProfileResponseInput): string {
  if (input.transactions.length === 0) throw new PunchgateError('PG_ERR_INTERNAL', 'A ProfileResponse needs at least one Transaction.')
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  const response = add(root, 'Response')
  status(response, 200, 'OK')
  const profile = add(response, 'ProfileResponse', { effectiveDate: cxmlTimestamp(input.effectiveDate) })
  for (const t of input.transactions) add(add(profile, 'Transaction', { requestName: t.requestName }), 'URL', {}, t.url)
  return serialize(doc)
}

function party(parent: Node, name: string, credentials: Credential[]): Node {
  if (credentials.length === 0) throw new PunchgateError('PG_ERR_INTERNAL', `The cXML Header/${name} needs at least one Credential.`)
  const el = add(parent, name)
  for (const c of credentials) add(add(el, 'Credential', { domain: c.domain }), 'Identity', {}, c.identity)
  return el
}

/** ItemIn children in DTD order: ItemID, ItemDetail (UnitPrice, Description, UnitOfMeasure, Classification, ManufacturerPartID, ManufacturerName, LeadTime). */
function itemIn(parent: Node, line: CartLine, index: number): void {
  const where = `Line ${index + 1}`
  const item = add(parent, 'ItemIn', { quantity: decimal(line.quantity, 0, 4, `${where} quantity`), lineNumber: String(index + 1) })
  const id = add(item, 'ItemID')
  add(id, 'SupplierPartID', {}, line.sku)
  if (line.auxiliaryId !== '') add(id, 'SupplierPartAuxiliaryID', {}, line.auxiliaryId)
  const detail = add(item, 'ItemDetail')
  add(add(detail, 'UnitPrice'), 'Money', { currency: line.currency }, formatMoney(line.unitPrice, `${where} unit price`))
  add(detail, 'Description', { 'xml:lang': LANG }, line.description)
  add(detail, 'UnitOfMeasure', {}, line.unitOfMeasure)
  const classification = line.classification
  add(detail, 'Classification', { domain: classification?.domain || DEFAULT_CLASSIFICATION_DOMAIN }, classification?.code ?? '')
  if (line.manufacturerPartId !== undefined) add(detail, 'ManufacturerPartID', {}, line.manufacturerPartId)
  if (line.manufacturerName !== undefined) add(detail, 'ManufacturerName', {}, line.manufacturerName)
  if (line.leadTimeDays !== undefined) {
    if (!Number.isInteger(line.leadTimeDays) || line.leadTimeDays < 0) {
      throw new PunchgateError('PG_ERR_CART_INVALID', `${where} lead time ${line.leadTimeDays} is not a whole number of days.`)
    }
    add(detail, 'LeadTime', {}, String(line.leadTimeDays))
  }
}

/** The cart return (docs/cxml.md, "PunchOutOrderMessage"). The BuyerCookie is echoed exactly as received. */
export function buildPunchOutOrderMessage(input: PunchOutOrderMessageInput): string {
  const { doc, root } = newDocument(input.payloadID, input.timestamp)
  const header = add(root, 'Header')
  party(header, 'From', input.from)
  party(header, 'To', input.to)
  // Sender carries no SharedSecret: the POOM travels through the user's browser (DTD note on Credential).
  add(party(header, 'Sender', [input.sender]), 'UserAgent', {}, input.userAgent)
  const message = add(root, 'Message', input.deploymentMode === 'test' ? { deploymentMode: 'test' } : {})
  const poom = add(message, 'PunchOutOrderMessage')
  add(poom, 'BuyerCookie', {}, input.buyerCookie)
  const poomHeader = add(poom, 'PunchOutOrderMessageHeader', { operationAllowed: input.operationAllowed })
  add(add(poomHeader, 'Total'), 'Money', { currency: input.currency }, formatMoney(input.total, 'Cart total'))
  input.lines.forEach((line, i) => itemIn(poom, line, i))
  return serialize(doc)
}
