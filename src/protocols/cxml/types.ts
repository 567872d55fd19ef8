/**
 * The protocol-neutral shapes of the cXML messages Punchgate reads and writes.
 * Parsing (parse.ts) turns bytes into these; building (build.ts) turns these into bytes.
 * Nothing here touches the database.
 */

import type { OrderRequest } from './order-types.ts'
import type { Address } from './address.ts'

export interface Credential {
  /** As sent; compare case-insensitively (docs/cxml.md, "Who is the customer"). */
  domain: string
  /** The full concatenated text of Identity, trimmed. */
  identity: string
}

export interface SenderCredential extends Credential {
  /** Full text of SharedSecret, not trimmed beyond surrounding whitespace; undefined when absent. */
  sharedSecret?: string
  /** True when the Sender authenticates with CredentialMac or DigitalSignature instead of SharedSecret. */
  usesUnsupportedAuthentication?: boolean
}

export interface CxmlHeader {
  from: Credential[]
  to: Credential[]
  sender: SenderCredential[]
  userAgent?: string
}

export interface Envelope {
  payloadID: string
  /** Raw timestamp attribute, stored as sent. */
  timestamp: string
  /** Parsed leniently (ISO 8601, offsets without colon, Ruby Time#to_s); undefined when unparseable. */
  timestampDate?: Date
  version?: string
  lang?: string
  header: CxmlHeader
  deploymentMode: 'production' | 'test'
}

export interface Extrinsic {
  name: string
  value: string
}

export interface Contact {
  role?: string
  name?: string
  email?: string
  phone?: string
}

export type { Address }

export interface ItemOut {
  quantity: string
  lineNumber?: string
  supplierPartID: string
  supplierPartAuxiliaryID?: string
  unitPrice?: string
  currency?: string
  description?: string
  unitOfMeasure?: string
  classification?: { domain: string; code: string }
  manufacturerPartID?: string
  manufacturerName?: string
}

export type SetupOperation = 'create' | 'edit' | 'inspect' | 'source'

export interface PunchOutSetupRequest {
  kind: 'PunchOutSetupRequest'
  operation: SetupOperation
  /** Raw BuyerCookie text: echoed unchanged. */
  buyerCookie: string
  extrinsics: Extrinsic[]
  /** Trimmed BrowserFormPost/URL, undefined when absent. */
  browserFormPostUrl?: string
  supplierSetupUrl?: string
  contacts: Contact[]
  shipTo?: Address
  selectedItem?: { supplierPartID: string; supplierPartAuxiliaryID?: string }
  itemOut: ItemOut[]
}

export interface ProfileRequest {
  kind: 'ProfileRequest'
}

/** A request element we recognise but do not (yet) serve, e.g. StatusUpdateRequest. */
export interface OtherRequest {
  kind: 'Other'
  element: string
}

export interface CxmlRequestDocument {
  envelope: Envelope
  request: PunchOutSetupRequest | ProfileRequest | OrderRequest | OtherRequest
}

/** A line of a returned cart, protocol-neutral (mirrors the cart-return JSON API). */
export interface CartLine {
  sku: string
  quantity: number
  unitPrice: number
  currency: string
  description: string
  unitOfMeasure: string
  classification?: { domain: string; code: string }
  leadTimeDays?: number
  manufacturerName?: string
  manufacturerPartId?: string
  /** The round-trip key put in SupplierPartAuxiliaryID (identifies session and line). */
  auxiliaryId: string
  /** ItemDetail/Extrinsic elements, name → text, in this order. */
  extrinsics?: Record<string, string>
}

export interface PunchOutOrderMessageInput {
  payloadID: string
  timestamp: Date
  /** From = supplier (us), To = buyer, Sender = us; no SharedSecret on the way back. */
  from: Credential[]
  to: Credential[]
  sender: Credential
  userAgent: string
  buyerCookie: string
  operationAllowed: 'create' | 'edit' | 'inspect'
  currency: string
  /** Sum of lines, computed by the caller, as a decimal string. */
  total: string
  lines: CartLine[]
  /** The setup request's deploymentMode; 'test' is echoed as Message@deploymentMode (absent = production). */
  deploymentMode?: 'production' | 'test'
}

export interface ProfileTransaction {
  requestName: string
  url: string
}
