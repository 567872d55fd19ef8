/**
 * Outbound cXML documents (responses and the PunchOutOrderMessage), built as element trees and
 * written by one serializer (xml-writer.ts), so every buyer-supplied value is escaped in one
 * place, never by string concatenation. Children are emitted in the order the cXML 1.2.063 DTD requires (docs/cxml.md, "Element order"), since
 * strict buyers validate it (cxml-php#9).
 */
import { randomBytes } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import { QUANTITY_DECIMALS, UNIT_PRICE_DECIMALS, currencyDecimals, formatUnits, toUnits } from '../precision.ts'
import type { CartLine, Credential, ProfileTransaction, PunchOutOrderMessageInput } from './types.ts'
import { element, serializeDocument, type XmlElement } from './xml-writer.ts'

export const CXML_VERSION = '1.2.063'
export const CXML_DTD_URL = `http://xml.cxml.org/schemas/cXML/${CXML_VERSION}/cXML.dtd`
const LANG = 'en-US'
/** Used when a cart line has no classification: the DTD requires one (ItemDetail has Classification+) and allows empty text. */
export const DEFAULT_CLASSIFICATION_DOMAIN = 'UNSPSC'

type Node = XmlElement

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

const refuse = (message: string) => new PunchgateError('PG_ERR_CART_INVALID', message)

/** A quantity as sent, with at most 3 decimals (src/protocols/precision.ts); anything else is refused, never rounded. */
export function formatQuantity(quantity: number, what = 'Quantity'): string {
  const units = toUnits(quantity, QUANTITY_DECIMALS)
  if (units === undefined || units === 0n) throw refuse(`${what} ${String(quantity)} is not a positive number with at most ${QUANTITY_DECIMALS} decimals.`)
  return formatUnits(units, QUANTITY_DECIMALS, 0)
}

/** A unit price as sent: at least the currency's decimals (12.50 EUR, 1200 JPY), at most 4; more is refused, never rounded. */
export function formatUnitPrice(price: number, currency: string, what = 'Unit price'): string {
  const units = toUnits(price, UNIT_PRICE_DECIMALS)
  if (units === undefined) throw refuse(`${what} ${String(price)} is not an amount >= 0 with at most ${UNIT_PRICE_DECIMALS} decimals.`)
  return formatUnits(units, UNIT_PRICE_DECIMALS, Math.min(currencyDecimals(currency), UNIT_PRICE_DECIMALS))
}

/** An amount already computed in the currency's decimals (src/protocols/precision.ts formatAmount): checked, sent as given. */
function plainAmount(value: string, what: string): string {
  if (!/^\d+(\.\d+)?$/.test(value)) throw refuse(`${what} "${value}" is not a plain decimal number (digits with a dot).`)
  return value
}

/** Append `<name attrs>text</name>`; the writer escapes every value. */
const add = (parent: Node, name: string, attrs: Record<string, string> = {}, text?: string): Node => element(parent, name, attrs, text)

function newDocument(payloadID: string, timestamp: Date): { doc: Node; root: Node } {
  const root = element(null, 'cXML', { payloadID, timestamp: cxmlTimestamp(timestamp), version: CXML_VERSION, 'xml:lang': LANG })
  return { doc: root, root }
}

const serialize = (doc: Node): string => serializeDocument(doc, { name: 'cXML', systemId: CXML_DTD_URL })

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

/** ItemIn children in DTD order: ItemID, ItemDetail (UnitPrice, Description, UnitOfMeasure, Classification, ManufacturerPartID, ManufacturerName, LeadTime, Extrinsic*). */
function itemIn(parent: Node, line: CartLine, index: number): void {
  const where = `Line ${index + 1}`
  const item = add(parent, 'ItemIn', { quantity: formatQuantity(line.quantity, `${where} quantity`), lineNumber: String(index + 1) })
  const id = add(item, 'ItemID')
  add(id, 'SupplierPartID', {}, line.sku)
  if (line.auxiliaryId !== '') add(id, 'SupplierPartAuxiliaryID', {}, line.auxiliaryId)
  const detail = add(item, 'ItemDetail')
  add(add(detail, 'UnitPrice'), 'Money', { currency: line.currency }, formatUnitPrice(line.unitPrice, line.currency, `${where} unit price`))
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
  for (const [name, value] of Object.entries(line.extrinsics ?? {})) add(detail, 'Extrinsic', { name }, value)
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
  add(add(poomHeader, 'Total'), 'Money', { currency: input.currency }, plainAmount(input.total, 'Cart total'))
  input.lines.forEach((line, i) => itemIn(poom, line, i))
  return serialize(doc)
}
