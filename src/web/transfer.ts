/**
 * How a returned cart reaches the procurement system: through the buyer's browser. Shared by the
 * cart-return API and the OCI background FUNCTIONs (src/http/routes) and by the built-in
 * storefront (src/adapters/storefront/builtin), so it sits below both.
 */

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { CartTransfer } from '../domain/carts/transfer.ts'
import { renderAutoPostForm } from '../protocols/forms.ts'
import { contentSecurityPolicy, newNonce } from './html.ts'

/** The transfer as it will leave: rendered first, so it can be journaled before it is sent. */
export interface TransferReply {
  status: number
  contentType: string
  body: string
  headers: Record<string, string>
}

/** Per Accept: JSON for a storefront that renders the form itself, else the auto-post page. */
export function transferReply(request: FastifyRequest, transfer: CartTransfer): TransferReply {
  if (wantsJson(request.headers.accept)) {
    const body = JSON.stringify({
      action: transfer.action,
      method: 'post',
      ...(transfer.target ? { target: transfer.target } : {}),
      acceptCharset: transfer.charset,
      fields: Object.fromEntries(transfer.fields),
    })
    return { status: 200, contentType: 'application/json; charset=utf-8', body, headers: {} }
  }
  const nonce = newNonce()
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    body: renderAutoPostForm({ ...transfer, title: 'Returning your cart to procurement', nonce }),
    headers: { 'cache-control': 'no-store', 'content-security-policy': contentSecurityPolicy(nonce, new URL(transfer.action).origin) },
  }
}

export function sendTransferReply(reply: FastifyReply, answer: TransferReply) {
  return reply
    .code(answer.status)
    .type(answer.contentType)
    .headers(answer.headers)
    .serializer((payload: unknown) => payload as string)
    .send(answer.body)
}

function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false
  const json = accept.indexOf('application/json')
  const htmlAt = accept.indexOf('text/html')
  return json !== -1 && (htmlAt === -1 || json < htmlAt)
}
