/**
 * Reads the body of an OrderRequest (docs/cxml.md, "OrderRequest") into the protocol-neutral
 * shape. Pure: no database. Amounts and quantities stay decimal text, checked to be plain
 * decimals, so nothing is rounded before it is stored.
 */
import { PunchgateError } from '../../errors/index.ts'
import { phoneText } from './setup.ts'
import type { Money, OrderItem, OrderRequest, OrderType } from './order-types.ts'
import type { Address } from './types.ts'
import { attr, children, optionalOne, requiredOne, textOf } from './xml-tree.ts'
import type { XmlValue } from './xml-tree.ts'

const PATH = 'OrderRequest'
const TYPES: readonly OrderType[] = ['new', 'update', 'delete']
const DECIMAL = /^-?\d+(\.\d+)?$/

const invalid = (message: string): PunchgateError => new PunchgateError('PG_ERR_CXML_INVALID', message)

/** `<Money currency>` as exact decimal text; refused when it is not a plain decimal. */
function money(node: XmlValue | undefined, where: string): Money | undefined {
  if (node === undefined) return undefined
  const amount = textOf(node)
  const currency = attr(node, 'currency')?.trim()
  if (amount === undefined || !DECIMAL.test(amount)) throw invalid(`${where}/Money "${amount ?? ''}" is not a plain decimal amount (digits with a dot).`)
  if (currency === undefined || !/^[A-Za-z]{3}$/.test(currency)) throw invalid(`${where}/Money has no three-letter currency attribute.`)
  return { amount, currency: currency.toUpperCase() }
}

function address(party: XmlValue | undefined, where: string): Address | undefined {
  const addr = party === undefined ? undefined : optionalOne(party, 'Address', where)
  if (addr === undefined) return undefined
  const postal = children(addr, 'PostalAddress')[0]
  const country = postal === undefined ? undefined : children(postal, 'Country')[0]
  const streets = postal === undefined ? [] : children(postal, 'Street').map((s) => textOf(s)).filter((s): s is string => s !== undefined)
  const part = (name: string) => (postal === undefined ? undefined : textOf(children(postal, name)[0]))
  return {
    addressID: attr(addr, 'addressID'),
    name: textOf(children(addr, 'Name')[0]),
    ...(streets.length ? { street: streets } : {}),
    city: part('City'),
    postalCode: part('PostalCode'),
    country: textOf(country) ?? attr(country, 'isoCountryCode'),
    email: textOf(children(addr, 'Email')[0]),
    phone: phoneText(children(addr, 'Phone')[0]),
  }
}

/** The header's Comments text; its Attachment elements are read apart (attachmentUrls). */
function comments(header: XmlValue): string | undefined {
  return textOf(children(header, 'Comments')[0])
}

/** `<Comments><Attachment><URL>` of the header and of every ItemOut (the DTD puts Attachment only in Comments). */
function attachmentUrls(header: XmlValue, items: readonly XmlValue[]): string[] {
  return [header, ...items].flatMap((owner) => children(owner, 'Comments'))
    .flatMap((c) => children(c, 'Attachment'))
    .map((a) => textOf(children(a, 'URL')[0])?.trim())
    .filter((url): url is string => url !== undefined && url !== '')
}

function lineNumber(node: XmlValue, where: string): number | undefined {
  const raw = attr(node, 'lineNumber')?.trim()
  if (raw === undefined || raw === '') return undefined
  if (!/^\d{1,9}$/.test(raw)) throw invalid(`${where} lineNumber="${raw}" is not a whole number.`)
  return Number(raw)
}

function item(node: XmlValue, index: number): OrderItem {
  const where = `${PATH}/ItemOut[${index + 1}]`
  const quantity = attr(node, 'quantity')?.trim()
  if (quantity === undefined || !DECIMAL.test(quantity) || Number(quantity) <= 0) {
    throw invalid(`${where} quantity="${quantity ?? ''}" is not a positive decimal number.`)
  }
  const itemId = requiredOne(node, 'ItemID', where)
  const supplierPartID = textOf(requiredOne(itemId, 'SupplierPartID', `${where}/ItemID`))
  if (supplierPartID === undefined) throw invalid(`${where}/ItemID/SupplierPartID is empty; every ItemOut needs the supplier part number.`)
  const detail = optionalOne(node, 'ItemDetail', where)
  const unitPrice = detail === undefined ? undefined : optionalOne(detail, 'UnitPrice', `${where}/ItemDetail`)
  const classification = detail === undefined ? undefined : children(detail, 'Classification')[0]
  const description = detail === undefined ? undefined : children(detail, 'Description')[0]
  return {
    quantity,
    lineNumber: lineNumber(node, where),
    supplierPartID,
    supplierPartAuxiliaryID: textOf(optionalOne(itemId, 'SupplierPartAuxiliaryID', `${where}/ItemID`)),
    unitPrice: unitPrice === undefined ? undefined : money(requiredOne(unitPrice, 'Money', `${where}/ItemDetail/UnitPrice`), `${where}/ItemDetail/UnitPrice`),
    description: description === undefined ? undefined : textOf(description) ?? textOf(children(description, 'ShortName')[0]),
    unitOfMeasure: detail === undefined ? undefined : textOf(children(detail, 'UnitOfMeasure')[0]),
    ...(classification === undefined ? {} : { classification: { domain: attr(classification, 'domain') ?? '', code: textOf(classification) ?? '' } }),
  }
}

/** Read an `<OrderRequest>` element. */
export function readOrderRequest(node: XmlValue): OrderRequest {
  const header = requiredOne(node, 'OrderRequestHeader', PATH)
  const orderID = attr(header, 'orderID')?.trim()
  if (orderID === undefined || orderID === '') throw invalid('OrderRequestHeader has no orderID attribute; every order needs the buyer\'s purchase order number.')
  if (orderID.length > 200) throw invalid(`OrderRequestHeader orderID is ${orderID.length} characters long; at most 200 are accepted.`)
  // The DTD's default type is "new".
  const rawType = attr(header, 'type') ?? 'new'
  const type = rawType.trim().toLowerCase() as OrderType
  if (!TYPES.includes(type)) throw invalid(`OrderRequestHeader type="${rawType}" is not valid; use "new", "update" or "delete".`)
  const total = optionalOne(header, 'Total', `${PATH}/OrderRequestHeader`)
  const itemNodes = children(node, 'ItemOut')
  const items = itemNodes.map(item)
  if (items.length === 0 && type !== 'delete') throw invalid(`The OrderRequest ${orderID} has no ItemOut; an order needs at least one line.`)
  return {
    kind: 'OrderRequest',
    orderID,
    orderDate: attr(header, 'orderDate')?.trim(),
    type,
    total: total === undefined ? undefined : money(requiredOne(total, 'Money', `${PATH}/OrderRequestHeader/Total`), `${PATH}/OrderRequestHeader/Total`),
    shipTo: address(children(header, 'ShipTo')[0], `${PATH}/OrderRequestHeader/ShipTo`),
    billTo: address(children(header, 'BillTo')[0], `${PATH}/OrderRequestHeader/BillTo`),
    comments: comments(header),
    items,
    attachments: attachmentUrls(header, itemNodes),
  }
}
