import { createHash } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import type { Order } from '../../persistence/entities/index.ts'
import type { OrderRequest } from '../../protocols/cxml/order-types.ts'
import type { ReceivedAttachment } from './attachments.ts'

/**
 * What an OrderRequest says, as one fingerprint (docs/cxml.md, "OrderRequest"): the order as
 * parsed — header, addresses, comments, lines — and the content of its attachments. The envelope
 * (timestamp, credentials, the transport's bytes) is left out, so a buyer system that resends the
 * same order with a new timestamp sends the same fingerprint.
 */
export function orderFingerprint(request: OrderRequest, parts: readonly ReceivedAttachment[]): string {
  const hash = createHash('sha256').update(JSON.stringify(request))
  for (const part of parts) hash.update('\0').update(part.contentId ?? '').update('\0').update(part.content)
  return hash.digest('hex')
}

/**
 * A payloadID names one document (cXML 1.2, "payloadID"): the same order sent again is a repeat
 * and gets the stored answer; another order under a payloadID already used is refused, so a buyer
 * never takes a 200 for a change that was not applied. Orders stored before fingerprints existed
 * are taken as repeats.
 */
export function checkRepeat(stored: Order, fingerprint: string): void {
  if (!stored.fingerprint || stored.fingerprint === fingerprint) return
  throw new PunchgateError('PG_ERR_ORDER_CONFLICT', `payloadID ${stored.payloadId} was already received with a different order (orderID ${stored.orderId}). Send a changed order under a new payloadID, as type="update" of order ${stored.orderId}.`)
}
