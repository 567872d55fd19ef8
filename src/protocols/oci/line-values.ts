/**
 * One catalog cart line → the OCI item values (bare field names such as `DESCRIPTION`), shared
 * by the HTML-form cart (cart.ts) and the XML cart (xml-cart.ts) so both apply the same lengths,
 * units and price units.
 */
import { PunchgateError } from '../../errors/index.ts'
import { mapOciUnit, type OciUnitSystem } from './units.ts'
import { QUANTITY_DECIMALS, UNIT_PRICE_DECIMALS, currencyDecimals, formatUnits, toUnits } from '../precision.ts'
import { choosePriceUnit, cleanLine, cleanText, codePointLength, truncateCodePoints } from './format.ts'

export interface OciCartLine {
  /** Our article number; sent as VENDORMAT and EXT_PRODUCT_ID unless those are given. */
  sku: string
  description: string
  quantity: number
  /** Price of ONE unit of `unitOfMeasure`; PRICE/PRICEUNIT are derived from it. */
  unitPrice: number
  currency: string
  unitOfMeasure: string
  matGroup?: string
  leadTimeDays?: number
  vendor?: string
  vendorMat?: string
  manufacturerCode?: string
  manufacturerPartId?: string
  contract?: string
  contractItem?: string
  extQuoteId?: string
  extQuoteItem?: string
  extProductId?: string
  extSchemaType?: string
  extCategoryId?: string
  /** CUST_FIELD1..5 in order; entries after the fifth are ignored. */
  custFields?: string[]
  /** Explicit PRICEUNIT (whole number 1..99999); wins over the automatic choice. */
  priceUnit?: number
  longText?: string
  /** OCI 5.0 NEW_ITEM-TAX; ignored for 4.0. */
  tax?: string
}

export interface OciCartOptions {
  ociVersion: '4.0' | '5.0'
  unitSystem: OciUnitSystem
  unitOverrides?: Record<string, string>
  /** Optional NEW_ITEM fields to send (`MATGROUP` or `NEW_ITEM-MATGROUP`); default: all that have values. */
  optionalFields?: string[]
  okCode?: string
  target?: string
  caller?: string
}

/** Field lengths (OCI 4.0; docs/oci.md, "Field lengths"; after mathielen/sapoci OciBaseBasketItem.php). */
export const OCI_FIELD_LENGTHS: Readonly<Record<string, number>> = {
  DESCRIPTION: 40, MATNR: 40, QUANTITY: 15, UNIT: 3, PRICE: 15, CURRENCY: 5, PRICEUNIT: 5, LEADTIME: 5,
  VENDOR: 10, VENDORMAT: 40, MANUFACTCODE: 10, MANUFACTMAT: 40, MATGROUP: 10, SERVICE: 1,
  CONTRACT: 10, CONTRACT_ITEM: 5, EXT_QUOTE_ID: 35, EXT_QUOTE_ITEM: 10, EXT_PRODUCT_ID: 40,
  ATTACHMENT: 255, ATTACHMENT_TITLE: 255, ATTACHMENT_PURPOSE: 1, EXT_SCHEMA_TYPE: 10,
  EXT_CATEGORY_ID: 60, EXT_CATEGORY: 40, SLD_SYS_NAME: 60,
  CUST_FIELD1: 10, CUST_FIELD2: 10, CUST_FIELD3: 10, CUST_FIELD4: 20, CUST_FIELD5: 50,
  TAX: 5, // OCI 5.0 (mathielen Oci50BasketItem.php)
}

/** Always sent. DESCRIPTION is required because we never send the buyer's MATNR. */
export const OCI_REQUIRED_FIELDS = ['DESCRIPTION', 'QUANTITY', 'UNIT', 'PRICE', 'CURRENCY', 'PRICEUNIT'] as const

/** Sent when they have a value and `optionalFields` allows them. */
export const OCI_OPTIONAL_FIELDS = [
  'MATGROUP', 'LEADTIME', 'LONGTEXT', 'VENDOR', 'VENDORMAT', 'MANUFACTCODE', 'MANUFACTMAT',
  'CONTRACT', 'CONTRACT_ITEM', 'EXT_QUOTE_ID', 'EXT_QUOTE_ITEM', 'EXT_PRODUCT_ID',
  'EXT_SCHEMA_TYPE', 'EXT_CATEGORY_ID', 'CUST_FIELD1', 'CUST_FIELD2', 'CUST_FIELD3',
  'CUST_FIELD4', 'CUST_FIELD5', 'TAX',
] as const

/** PHP hook receivers drop the tail of big carts (docs/oci.md, "Buyer-system quirks"): callers should warn above this. */
export const OCI_LARGE_CART_LINES = 20

/** Bare field name → value, in emission order. `LONGTEXT` is never truncated. */
export type OciLineValues = Array<[field: string, value: string]>

const lineError = (lineNo: number, message: string): PunchgateError =>
  new PunchgateError('PG_ERR_CART_INVALID', `Cart line ${lineNo}: ${message}`, { details: { line: lineNo } })

/** SAP's QUANTITY/PRICE columns: at most 11 digits before the point, 3 after (15 characters). */
const fitsOciNumber = (s: string): boolean => /^\d{1,11}(\.\d{1,3})?$/.test(s)

const normaliseFieldName = (name: string): string => name.trim().toUpperCase().replace(/^NEW_ITEM-/, '')

/** `~OkCode`, `~TARGET`, `~CALLER` from the login, echoed with the cart (docs/oci.md, "Buyer-system quirks"). */
export function ociControlFields(options: Pick<OciCartOptions, 'okCode' | 'target' | 'caller'>): Array<[string, string]> {
  const out: Array<[string, string]> = []
  if (options.okCode !== undefined) out.push(['~OkCode', options.okCode])
  if (options.target !== undefined) out.push(['~TARGET', options.target])
  if (options.caller !== undefined) out.push(['~CALLER', options.caller])
  return out
}

export function ociLineValues(line: OciCartLine, options: OciCartOptions, lineNo: number): OciLineValues {
  const allowed = options.optionalFields ? new Set(options.optionalFields.map(normaliseFieldName)) : undefined
  const out: OciLineValues = []
  const required = (field: string, value: string): void => {
    out.push([field, truncateCodePoints(value, OCI_FIELD_LENGTHS[field] ?? value.length)])
  }
  const optional = (field: string, raw: string | undefined): void => {
    const value = cleanLine(raw)
    if (value === '' || (allowed && !allowed.has(field))) return
    required(field, value)
  }

  const description = cleanLine(line.description)
  if (description === '') throw lineError(lineNo, 'DESCRIPTION is empty; OCI needs it when no MATNR is sent.')

  if (typeof line.quantity !== 'number' || !Number.isFinite(line.quantity) || line.quantity <= 0) {
    throw lineError(lineNo, `QUANTITY must be a positive number, got ${String(line.quantity)}.`)
  }
  // Sent exactly as given, never rounded: 0.00001 would leave as 0 (src/protocols/precision.ts).
  const quantityUnits = toUnits(line.quantity, QUANTITY_DECIMALS)
  const quantity = quantityUnits === undefined ? '' : formatUnits(quantityUnits, QUANTITY_DECIMALS, 0)
  if (quantityUnits === undefined || quantityUnits === 0n || !fitsOciNumber(quantity)) {
    throw lineError(lineNo, `QUANTITY ${String(line.quantity)} does not fit OCI (11 digits, ${QUANTITY_DECIMALS} decimals, not 0).`)
  }

  const unitRaw = cleanLine(line.unitOfMeasure)
  if (unitRaw === '') throw lineError(lineNo, 'UNIT is empty; OCI needs it when no MATNR is sent.')
  const unit = mapOciUnit(unitRaw, options.unitSystem, options.unitOverrides)

  if (typeof line.unitPrice !== 'number' || !Number.isFinite(line.unitPrice) || line.unitPrice < 0) {
    throw lineError(lineNo, `unit price must be a number >= 0, got ${String(line.unitPrice)}.`)
  }
  const currency = cleanLine(line.currency).toUpperCase()
  if (currency === '') throw lineError(lineNo, 'CURRENCY is empty.')
  const { price, priceUnit } = ociPrice(line, currency, lineNo)

  let leadTime: string | undefined
  if (line.leadTimeDays !== undefined && line.leadTimeDays !== null) {
    const days = Math.ceil(line.leadTimeDays) // whole days; part of a day still costs a day
    if (!Number.isFinite(days) || days < 0 || days > 99999) {
      throw lineError(lineNo, `LEADTIME must be 0..99999 days, got ${String(line.leadTimeDays)}.`)
    }
    leadTime = String(days)
  }

  // Full text when DESCRIPTION had to be cut, or the catalog's own long text (docs/oci.md, "OCI
  // cart return": LONGTEXT_<n>:132[]). Not truncated: long text has no length limit.
  const longText = cleanText(line.longText) ||
    (codePointLength(description) > OCI_FIELD_LENGTHS.DESCRIPTION ? cleanText(line.description) : '')

  required('DESCRIPTION', description)
  optional('MATGROUP', line.matGroup)
  required('QUANTITY', quantity)
  required('UNIT', unit)
  required('PRICE', price)
  required('CURRENCY', currency)
  required('PRICEUNIT', String(priceUnit))
  optional('LEADTIME', leadTime)
  if (longText !== '' && (!allowed || allowed.has('LONGTEXT'))) out.push(['LONGTEXT', longText])
  optional('VENDOR', line.vendor)
  optional('VENDORMAT', line.vendorMat ?? line.sku)
  optional('MANUFACTCODE', line.manufacturerCode)
  optional('MANUFACTMAT', line.manufacturerPartId)
  optional('CONTRACT', line.contract)
  optional('CONTRACT_ITEM', line.contractItem)
  optional('EXT_QUOTE_ID', line.extQuoteId)
  optional('EXT_QUOTE_ITEM', line.extQuoteItem)
  // EXT_PRODUCT_ID is what DETAIL/VALIDATE calls send back as PRODUCTID, so it defaults to the SKU.
  optional('EXT_PRODUCT_ID', line.extProductId ?? line.sku)
  optional('EXT_SCHEMA_TYPE', line.extSchemaType)
  optional('EXT_CATEGORY_ID', line.extCategoryId)
  ;(line.custFields ?? []).slice(0, 5).forEach((v, i) => optional(`CUST_FIELD${i + 1}`, v))
  if (options.ociVersion === '5.0') optional('TAX', line.tax)
  return out
}

/**
 * PRICE is per PRICEUNIT units (docs/oci.md, "Numbers"), with at most the currency's decimals
 * (and never more than 2): an explicit price unit wins, otherwise the smallest of
 * 1/100/1000/10000 that carries the unit price exactly. Computed on integers from the price as
 * sent; a price that cannot be carried exactly is refused, never rounded.
 */
function ociPrice(line: OciCartLine, currency: string, lineNo: number): { price: string; priceUnit: number } {
  const unitPriceUnits = toUnits(line.unitPrice, UNIT_PRICE_DECIMALS)
  if (unitPriceUnits === undefined) {
    throw lineError(lineNo, `unit price ${String(line.unitPrice)} is not an amount >= 0 with at most ${UNIT_PRICE_DECIMALS} decimals.`)
  }
  const decimals = Math.min(currencyDecimals(currency), 2)
  const step = 10n ** BigInt(UNIT_PRICE_DECIMALS - decimals)
  const priceUnit = line.priceUnit ?? choosePriceUnit(unitPriceUnits, step)
  if (!Number.isInteger(priceUnit) || priceUnit < 1 || priceUnit > 99999) {
    throw lineError(lineNo, `PRICEUNIT must be a whole number 1..99999, got ${String(priceUnit)}.`)
  }
  const perPriceUnit = unitPriceUnits * BigInt(priceUnit)
  if (perPriceUnit % step !== 0n) {
    throw lineError(lineNo, `unit price ${String(line.unitPrice)} ${currency} cannot be sent exactly as PRICE per PRICEUNIT ${priceUnit} (${decimals} decimals).`)
  }
  const price = formatUnits(perPriceUnit / step, decimals, 0)
  if (!fitsOciNumber(price)) throw lineError(lineNo, `PRICE ${price} does not fit OCI (11 digits before the point).`)
  return { price, priceUnit }
}
