/**
 * The shape of a cXML OrderRequest as read by order.ts (docs/cxml.md, "OrderRequest"). Apart
 * from types.ts so that the request union there can name it without an import cycle.
 */
import type { Address } from './address.ts'

export type OrderType = 'new' | 'update' | 'delete'

export interface Money {
  amount: string
  currency: string
}

export interface OrderItem {
  quantity: string
  lineNumber?: number
  supplierPartID: string
  supplierPartAuxiliaryID?: string
  unitPrice?: Money
  description?: string
  unitOfMeasure?: string
  classification?: { domain: string; code: string }
}

export interface OrderRequest {
  kind: 'OrderRequest'
  orderID: string
  /** orderDate as sent. */
  orderDate?: string
  type: OrderType
  total?: Money
  shipTo?: Address
  billTo?: Address
  comments?: string
  items: OrderItem[]
  /** The URLs of its `<Attachment>` elements, in document order (`cid:` ones name a MIME part). */
  attachments: string[]
}
