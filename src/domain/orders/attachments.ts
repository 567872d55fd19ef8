/**
 * The files an OrderRequest carries as parts of its multipart/related body (docs/cxml.md,
 * "Attachments"): every `cid:` URL of an `<Attachment>` must name one of them, and all of them
 * are kept with the order, fingerprinted so a download can be checked against the listing.
 */
import { createHash, randomUUID } from 'node:crypto'
import { PunchgateError } from '../../errors/index.ts'
import type { OrderAttachment } from '../../persistence/entities/index.ts'

/** A part as the multipart reader gives it: Content-ID without angle brackets, content decoded. */
export interface ReceivedAttachment {
  contentId?: string
  fileName?: string
  contentType: string
  content: Buffer
}

const CID = /^cid:/i

/** The Content-ID a `cid:` URL names (RFC 2392: the URL is percent-encoded). */
function referencedId(url: string): string {
  const encoded = url.replace(CID, '').trim()
  try {
    return decodeURIComponent(encoded)
  } catch {
    return encoded
  }
}

/** Refuses a `cid:` URL whose part is missing; other URLs (http, a bare file name) point elsewhere. */
export function checkReferences(urls: readonly string[], parts: readonly ReceivedAttachment[]): void {
  const ids = new Set(parts.map((p) => p.contentId).filter((id): id is string => id !== undefined))
  const missing = urls.filter((url) => CID.test(url)).map(referencedId).filter((id) => !ids.has(id))
  if (missing.length) {
    const names = [...new Set(missing)].map((id) => `<${id}>`).join(', ')
    throw new PunchgateError('PG_ERR_ATTACHMENT_MISSING', `The OrderRequest references ${names} in <Attachment><URL>cid:…</URL>, but no part of the multipart/related body has that Content-ID. Send the attachment as a part with that Content-ID, or remove the reference.`)
  }
}

export function attachmentRows(orderId: string, parts: readonly ReceivedAttachment[]): OrderAttachment[] {
  return parts.map((part, i) => ({
    id: randomUUID(),
    orderId,
    contentId: part.contentId === undefined ? null : fits(part.contentId, 400, `Attachment ${i + 1} Content-ID`),
    fileName: part.fileName === undefined ? null : fits(part.fileName, 255, `Attachment ${i + 1} file name`),
    contentType: fits(part.contentType, 200, `Attachment ${i + 1} Content-Type`),
    size: part.content.length,
    sha256: createHash('sha256').update(part.content).digest('hex'),
    content: part.content,
  }))
}

function fits(value: string, max: number, what: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new PunchgateError('PG_ERR_VALUE_UNSTORABLE', `${what} contains a control character.`)
  if (value.length > max) throw new PunchgateError('PG_ERR_VALUE_UNSTORABLE', `${what} is ${value.length} characters long; at most ${max} are accepted.`)
  return value
}
