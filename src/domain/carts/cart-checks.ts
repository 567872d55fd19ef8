/**
 * Cart checks (docs/identity-profiles.md, "Cart checks per buyer system"): every line of a cart
 * about to leave, against the rules of the customer's buyer system, so the buyer learns of a line
 * the buyer system would refuse — some drop the whole cart for one — before it is sent. Plain
 * code over the lines, no I/O: the cart return runs it on its hot path.
 */
import type { SessionEvent } from '../../persistence/entities/index.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'
import type { PresetName } from '../provisioning/identity-presets.ts'
import type { LengthField, ResolvedCartChecks } from '../provisioning/cart-rules.ts'
import { SessionRefusal } from '../sessions/refusal.ts'

export type CartRule =
  | 'unit.unknown'
  | 'classification.missing'
  | 'classification.malformed'
  | 'description.too_long'
  | 'field.too_long'
  | 'currency.mixed'
  | 'quantity.range'
  | 'price.range'
  | 'extrinsic.missing'

export interface CartFinding {
  /** 1-based, as the cart lists it. */
  line: number
  sku: string
  rule: CartRule
  message: string
}

const SYSTEM_NAMES: Readonly<Record<PresetName, string>> = {
  generic: 'The buyer system', ariba: 'Ariba', coupa: 'Coupa', jaggaer: 'Jaggaer', oracle: 'Oracle', 'sap-oci': 'SAP (OCI)',
}

const FIELD_NAMES: Readonly<Record<Exclude<LengthField, 'description'>, string>> = {
  sku: 'the SKU', auxiliaryId: 'the line reference (cXML SupplierPartAuxiliaryID, OCI EXT_PRODUCT_ID)', manufacturerPartId: 'the manufacturer part number', classificationCode: 'the classification code',
}

/** The line's texts with a length rule of their own (the description and the classification code are checked apart). */
const LINE_TEXT_FIELDS = ['sku', 'auxiliaryId', 'manufacturerPartId'] as const

/** UNSPSC: segment, family, class, commodity (2 digits each), optionally the 2 business-function digits; no segment 00. */
const UNSPSC = /^(?!00)\d{8}(\d{2})?$/
const DOMAIN_NAME = /^[A-Za-z][A-Za-z0-9 @._-]*$/

/** Characters as a person counts them (code points); the UTF-16 length bounds it, so short texts cost nothing. */
const longerThan = (text: string, max: number): number | undefined => {
  if (text.length <= max) return undefined
  const n = [...text].length
  return n > max ? n : undefined
}

/** Every finding of `lines`, in line order. */
export function checkCart(lines: readonly CartLine[], checks: ResolvedCartChecks): CartFinding[] {
  const findings: CartFinding[] = []
  const currency = lines[0]?.currency
  lines.forEach((line, i) => {
    const add = (rule: CartRule, message: string) => findings.push({ line: i + 1, sku: line.sku, rule, message })
    checkLine(line, checks, add)
    if (line.currency !== currency) add('currency.mixed', `currency ${line.currency} differs from the cart's ${currency} (line 1); a cart carries one currency`)
  })
  return findings
}

type Add = (rule: CartRule, message: string) => void

function checkLine(line: CartLine, checks: ResolvedCartChecks, add: Add): void {
  const { rules } = checks
  const system = SYSTEM_NAMES[checks.buyerSystem]
  if (rules.unitCodes && !checks.units.has(line.unitOfMeasure.toUpperCase())) {
    add('unit.unknown', `unit of measure "${line.unitOfMeasure}" is not a UN/CEFACT code (such as EA, C62, BX, KGM); ${system} may refuse a line it cannot map`)
  }
  checkClassification(line, checks, system, add)
  const description = longerThan(line.description, rules.maxLength.description)
  if (description !== undefined) add('description.too_long', `the description has ${description} characters; ${system} keeps ${rules.maxLength.description}`)
  for (const field of LINE_TEXT_FIELDS) {
    const value = line[field]
    const length = value === undefined ? undefined : longerThan(value, rules.maxLength[field])
    if (length !== undefined) add('field.too_long', `${FIELD_NAMES[field]} has ${length} characters; ${system} keeps ${rules.maxLength[field]}`)
  }
  if (!(line.quantity > 0) || line.quantity > rules.maxQuantity) {
    add('quantity.range', `quantity ${line.quantity} is outside the accepted range: more than 0, at most ${rules.maxQuantity}`)
  }
  if (!(line.unitPrice >= 0) || line.unitPrice > rules.maxUnitPrice || (line.unitPrice === 0 && !rules.allowZeroPrice)) {
    add('price.range', `unit price ${line.unitPrice} is outside the accepted range: ${rules.allowZeroPrice ? '0' : 'more than 0'} to ${rules.maxUnitPrice}`)
  }
  for (const name of checks.extrinsics) {
    if (!line.extrinsics?.[name]) add('extrinsic.missing', `the extrinsic "${name}" is missing; ${system} requires it on every line`)
  }
}

function checkClassification(line: CartLine, checks: ResolvedCartChecks, system: string, add: Add): void {
  const classification = line.classification
  if (!classification) {
    if (checks.rules.requireClassification) {
      add('classification.missing', `no classification; ${system} needs ${checks.domains.size ? [...checks.domains].join(' or ') : 'a classification'} on every line`)
    }
    return
  }
  const domain = classification.domain.toUpperCase()
  if (!DOMAIN_NAME.test(classification.domain)) {
    add('classification.malformed', `the classification domain "${classification.domain}" is not a domain name (such as UNSPSC, eCl@ss)`)
  } else if (checks.domains.size && !checks.domains.has(domain)) {
    add('classification.malformed', `the classification domain "${classification.domain}" is not accepted; ${system} expects ${[...checks.domains].join(' or ')}`)
  }
  if (domain === 'UNSPSC' && !UNSPSC.test(classification.code)) {
    add('classification.malformed', `the UNSPSC code "${classification.code}" is not 8 digits (or 10 with the business-function digits)`)
  }
  const length = longerThan(classification.code, checks.rules.maxLength.classificationCode)
  if (length !== undefined) add('field.too_long', `${FIELD_NAMES.classificationCode} has ${length} characters; ${system} keeps ${checks.rules.maxLength.classificationCode}`)
}

/** The findings as the buyer reads them: one sentence per line. */
export function describeFindings(findings: readonly CartFinding[]): string {
  return findings.map((f) => `line ${f.line} (${f.sku}): ${f.message}`).join('; ')
}

/** A timeline keeps at most this many findings of one cart (the count says how many there were). */
const MAX_RECORDED_FINDINGS = 200
/** A refusal's text names at most this many; the JSON answer lists them all. */
const MAX_NAMED_FINDINGS = 20

/** The `cart.checked` event of the cart `cartId` that goes, or (null) of a cart blocked; none when the cart has no findings. */
export function cartCheckEvents(sessionId: string, checks: ResolvedCartChecks, findings: readonly CartFinding[], at: Date, cartId: string | null): Array<Omit<SessionEvent, 'id'>> {
  if (findings.length === 0) return []
  return [{
    sessionId, at, type: 'cart.checked',
    data: {
      ...(cartId ? { cartId } : {}), buyerSystem: checks.buyerSystem, policy: checks.policy, blocked: cartId === null,
      count: findings.length, findings: findings.slice(0, MAX_RECORDED_FINDINGS),
    },
  }]
}

/**
 * Under the `block` policy, a cart with findings is refused: nothing is sent, the session stays as
 * it was, and the refusal's journal row carries the `cart.checked` event to the timeline.
 */
export function refuseOnFindings(sessionId: string, checks: ResolvedCartChecks, findings: readonly CartFinding[], at: Date): void {
  if (checks.policy !== 'block' || findings.length === 0) return
  const named = describeFindings(findings.slice(0, MAX_NAMED_FINDINGS))
  const more = findings.length > MAX_NAMED_FINDINGS ? `; and ${findings.length - MAX_NAMED_FINDINGS} more` : ''
  throw new SessionRefusal(
    'PG_ERR_CART_CHECK_FAILED',
    `The cart was not sent: ${SYSTEM_NAMES[checks.buyerSystem].replace(/^The/, 'the')} would refuse it. Fix these lines, then return it again: ${named}${more}.`,
    sessionId,
    { events: cartCheckEvents(sessionId, checks, findings, at, null) },
    { details: { findings } },
  )
}
