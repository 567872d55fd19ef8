import { z } from 'zod'

/** Hosts a plain-http order-status URL may name: this machine only (a buyer simulator in development). */
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * The customer's order-status URL (docs/api.md, "Customers"): the ConfirmationRequest and
 * ShipNoticeRequest documents carry order details, so they travel over https; plain http only to
 * this machine's loopback address.
 */
export const orderStatusUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => {
    const url = new URL(value)
    return url.protocol === 'https:' || LOOPBACK.has(url.hostname)
  }, 'must be an https:// URL (http:// only to 127.0.0.1, [::1] or localhost)')
  .refine((value) => !new URL(value).username && !new URL(value).password, 'must not carry a user name or password')
