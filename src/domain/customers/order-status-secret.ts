import { z } from 'zod'
import { PunchgateError } from '../../errors/index.ts'
import type { KeySealer } from '../security/secrets.ts'

/**
 * The SharedSecret the buyer network gave the supplier for the documents it sends
 * (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"). Unlike the buyer's secrets, which
 * are only verified and so kept as keyed hashes, this one is sent on: it is stored sealed with the
 * server key (docs/operations.md, "Keys at rest") and opened only to post a document.
 */

/** Networks have it typed into a web form: printable text, no control characters (XML could not carry all of them). */
export const orderStatusSecretSchema = z.string().min(1).max(400).regex(/^[^\p{Cc}]+$/u, 'must not contain control characters')

/** The sealed value is bound to its customer: copied into another customer's row, it does not open. */
const boundTo = (customerId: string): string => `customer ${customerId} orderStatusSecret`

export const sealOrderStatusSecret = (sealer: KeySealer, customerId: string, secret: string): string => sealer.seal(secret, boundTo(customerId))

export function openOrderStatusSecret(sealer: KeySealer, customerId: string, sealed: string): string {
  try {
    return sealer.open(sealed, boundTo(customerId))
  } catch {
    throw new PunchgateError(
      'PG_ERR_INTERNAL',
      `The orderStatusSecret of customer ${customerId} cannot be opened: it was sealed under another server key (PUNCHGATE_SECRET_KEY) or for another customer; set it again with PATCH /api/customers/${customerId}.`,
    )
  }
}
