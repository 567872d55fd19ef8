/**
 * Reads the body of a PunchOutSetupRequest (docs/cxml.md, "PunchOutSetupRequest") into the protocol-neutral shape.
 * Lenient where buyers differ (padding, missing optional parts, nameless Extrinsics), strict
 * where a second copy of an element could make two components disagree (return URL, cookie).
 */
import { PunchgateError } from '../../errors/index.ts'
import type { Address, Contact, Extrinsic, ItemOut, PunchOutSetupRequest, SetupOperation } from './types.ts'
import { attr, children, optionalOne, rawText, requiredOne, textOf } from './xml-tree.ts'
import type { XmlValue } from './xml-tree.ts'

const OPERATIONS: readonly SetupOperation[] = ['create', 'edit', 'inspect', 'source']
const PATH = 'PunchOutSetupRequest'

const invalid = (message: string): PunchgateError => new PunchgateError('PG_ERR_CXML_INVALID', message)

/** Does the element hold child elements (DTD `ANY` allows it) rather than only text? */
function hasElements(node: XmlValue): boolean {
  return typeof node !== 'string' && Object.keys(node).some((k) => k !== '#text' && !k.startsWith('@_'))
}

/** `<Phone><TelephoneNumber>` → "+1 800 5551212 ext. 12"; plain text Phone is taken as is. */
export function phoneText(phone: XmlValue | undefined): string | undefined {
  if (phone === undefined) return undefined
  const tel = children(phone, 'TelephoneNumber')[0]
  if (tel === undefined) return textOf(phone)
  const country = textOf(children(tel, 'CountryCode')[0])
  const parts = [
    country === undefined ? undefined : `+${country.replace(/^\+/, '')}`,
    textOf(children(tel, 'AreaOrCityCode')[0]),
    textOf(children(tel, 'Number')[0]),
  ].filter((p): p is string => p !== undefined)
  const extension = textOf(children(tel, 'Extension')[0])
  if (extension !== undefined) parts.push(`ext. ${extension}`)
  return parts.length === 0 ? undefined : parts.join(' ')
}

/** Trimmed URL text of `<Wrapper><URL>`; undefined when absent or blank. */
function urlIn(node: XmlValue, wrapper: string): string | undefined {
  const outer = optionalOne(node, wrapper, PATH)
  return outer === undefined ? undefined : textOf(optionalOne(outer, 'URL', `${PATH}/${wrapper}`))
}

function extrinsics(node: XmlValue): Extrinsic[] {
  const result: Extrinsic[] = []
  for (const e of children(node, 'Extrinsic')) {
    const name = attr(e, 'name')
    // docs/cxml.md, "Buyer-system quirks": relays send bare <Extrinsic/>; skip rather than refuse the punchout.
    if (name === undefined || name.trim() === '') continue
    result.push({ name, value: rawText(e).trim() })
  }
  return result
}

function contact(node: XmlValue): Contact {
  return {
    role: attr(node, 'role'),
    name: textOf(children(node, 'Name')[0]),
    email: textOf(children(node, 'Email')[0]),
    phone: phoneText(children(node, 'Phone')[0]),
  }
}

function address(shipTo: XmlValue): Address | undefined {
  const addr = optionalOne(shipTo, 'Address', `${PATH}/ShipTo`)
  if (addr === undefined) return undefined
  const postal = children(addr, 'PostalAddress')[0]
  const country = postal === undefined ? undefined : children(postal, 'Country')[0]
  const streets = postal === undefined ? [] : children(postal, 'Street').map((s) => textOf(s)).filter((s): s is string => s !== undefined)
  return {
    addressID: attr(addr, 'addressID'),
    name: textOf(children(addr, 'Name')[0]),
    street: streets.length === 0 ? undefined : streets,
    city: postal === undefined ? undefined : textOf(children(postal, 'City')[0]),
    postalCode: postal === undefined ? undefined : textOf(children(postal, 'PostalCode')[0]),
    // Text as sent ("United States" or "US"); the ISO code attribute only when the text is blank.
    country: textOf(country) ?? attr(country, 'isoCountryCode'),
    email: textOf(children(addr, 'Email')[0]),
    phone: phoneText(children(addr, 'Phone')[0]),
  }
}

/** Description text; when the element holds only a ShortName, that name. */
function description(detail: XmlValue): string | undefined {
  const first = children(detail, 'Description')[0]
  if (first === undefined) return undefined
  return textOf(first) ?? textOf(children(first, 'ShortName')[0])
}

function itemOut(node: XmlValue, index: number): ItemOut {
  const where = `${PATH}/ItemOut[${index + 1}]`
  const quantity = attr(node, 'quantity')?.trim()
  if (quantity === undefined || quantity === '') throw invalid(`${where} has no quantity attribute; every ItemOut needs one.`)
  const itemId = requiredOne(node, 'ItemID', where)
  const supplierPartID = textOf(requiredOne(itemId, 'SupplierPartID', `${where}/ItemID`))
  if (supplierPartID === undefined) throw invalid(`${where}/ItemID/SupplierPartID is empty; every ItemOut needs the supplier part number.`)
  const line: ItemOut = {
    quantity,
    lineNumber: attr(node, 'lineNumber')?.trim(),
    supplierPartID,
    supplierPartAuxiliaryID: textOf(optionalOne(itemId, 'SupplierPartAuxiliaryID', `${where}/ItemID`)),
  }
  const detail = optionalOne(node, 'ItemDetail', where)
  if (detail === undefined) return line
  const money = children(children(detail, 'UnitPrice')[0] ?? '', 'Money')[0]
  const classification = children(detail, 'Classification')[0]
  const classCode = textOf(classification) ?? attr(classification, 'code')?.trim()
  return {
    ...line,
    unitPrice: textOf(money),
    currency: attr(money, 'currency')?.trim(),
    description: description(detail),
    unitOfMeasure: textOf(children(detail, 'UnitOfMeasure')[0]),
    classification: classification === undefined ? undefined : { domain: attr(classification, 'domain') ?? '', code: classCode ?? '' },
    manufacturerPartID: textOf(children(detail, 'ManufacturerPartID')[0]),
    manufacturerName: textOf(children(detail, 'ManufacturerName')[0]),
  }
}

function selectedItem(node: XmlValue): PunchOutSetupRequest['selectedItem'] {
  const selected = optionalOne(node, 'SelectedItem', PATH)
  if (selected === undefined) return undefined
  const itemId = optionalOne(selected, 'ItemID', `${PATH}/SelectedItem`)
  const supplierPartID = textOf(children(itemId ?? '', 'SupplierPartID')[0])
  if (supplierPartID === undefined) return undefined
  return { supplierPartID, supplierPartAuxiliaryID: textOf(children(itemId ?? '', 'SupplierPartAuxiliaryID')[0]) }
}

/** Read a `<PunchOutSetupRequest>` element. */
export function readSetupRequest(node: XmlValue): PunchOutSetupRequest {
  const rawOperation = attr(node, 'operation')
  if (rawOperation === undefined) throw invalid('PunchOutSetupRequest has no operation attribute; send operation="create", "edit", "inspect" or "source".')
  const operation = rawOperation.trim().toLowerCase() as SetupOperation
  if (!OPERATIONS.includes(operation)) {
    throw new PunchgateError('PG_ERR_CXML_UNSUPPORTED', `PunchOutSetupRequest operation="${rawOperation}" is not supported; use create, edit, inspect or source.`)
  }
  const cookie = requiredOne(node, 'BuyerCookie', PATH)
  if (hasElements(cookie)) {
    throw new PunchgateError('PG_ERR_CXML_UNSUPPORTED', 'The BuyerCookie contains XML elements; Punchgate can only echo a text BuyerCookie.')
  }
  const shipTo = optionalOne(node, 'ShipTo', PATH)
  return {
    kind: 'PunchOutSetupRequest',
    operation,
    // Raw on purpose: it is echoed unchanged in the cart; compare it trimmed (docs/cxml.md, "PunchOutSetupRequest").
    buyerCookie: rawText(cookie),
    extrinsics: extrinsics(node),
    browserFormPostUrl: urlIn(node, 'BrowserFormPost'),
    supplierSetupUrl: urlIn(node, 'SupplierSetup'),
    contacts: children(node, 'Contact').map(contact),
    shipTo: shipTo === undefined ? undefined : address(shipTo),
    selectedItem: selectedItem(node),
    itemOut: children(node, 'ItemOut').map(itemOut),
  }
}
