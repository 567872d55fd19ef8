import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/**
 * A file that came with an OrderRequest as a part of its multipart/related body (docs/cxml.md,
 * "Attachments"), kept with the order: written in the same statement as the order row.
 */
export class OrderAttachment {
  id!: string
  orderId!: string
  /** The part's Content-ID without angle brackets, as the document's `cid:` URL names it. */
  contentId?: string | null
  fileName?: string | null
  contentType!: string
  size!: number
  /** Hex SHA-256 of the content, so a download can be checked against the listing. */
  sha256!: string
  content!: Buffer
}

export const OrderAttachmentSchema = new EntitySchema<OrderAttachment>({
  class: OrderAttachment,
  tableName: 'order_attachments',
  indexes: [{ properties: ['orderId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    orderId: foreignKey({ entity: 'Order', column: 'order_id', onDelete: 'cascade' }),
    contentId: { type: 'string', length: 400, nullable: true },
    fileName: { type: 'string', length: 255, nullable: true },
    contentType: { type: 'string', length: 200 },
    size: { type: 'integer' },
    sha256: { type: 'string', length: 64 },
    content: { type: 'blob', lazy: true },
  },
})
