import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ReceivedAttachment } from '../domain/orders/attachments.ts'
import { PunchgateError } from '../errors/index.ts'
import { parseMediaType, parseMultipartRelated } from '../protocols/mime/multipart.ts'

/**
 * The cXML endpoint's body: a document alone (text/xml, application/xml) or a document with
 * attachments as multipart/related (docs/cxml.md, "Attachments"). Registered in the cXML routes'
 * own scope, so every other endpoint keeps refusing multipart with a 415.
 */
export function acceptMultipartRelated(app: FastifyInstance): void {
  app.addContentTypeParser('multipart/related', { parseAs: 'buffer' }, (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body))
}

export interface CxmlBody {
  /** The cXML document's bytes: the whole body, or the root part of a multipart one. */
  document: Buffer
  /** The Content-Type that declares the document's charset. */
  contentType: string | undefined
  /** Undefined for a document sent alone. */
  attachments?: ReceivedAttachment[]
}

export const isMultipart = (contentType: string | undefined): boolean => parseMediaType(contentType ?? '').type === 'multipart/related'

export function cxmlBody(request: FastifyRequest, raw: Buffer): CxmlBody {
  const contentType = request.headers['content-type']
  if (!isMultipart(contentType)) return { document: raw, contentType }
  const { root, attachments } = parseMultipartRelated(raw, contentType!)
  return {
    document: root.content,
    contentType: root.contentType,
    attachments: attachments.map((part) => ({
      ...(part.contentId !== undefined ? { contentId: part.contentId } : {}),
      ...(part.fileName !== undefined ? { fileName: part.fileName } : {}),
      contentType: part.contentType,
      content: part.content,
    })),
  }
}

/** Only an OrderRequest travels with attachments; a setup request in multipart is refused plainly. */
export function refuseMultipartFor(element: string): PunchgateError {
  return new PunchgateError('PG_ERR_MEDIA_TYPE', `multipart/related (cXML with attachments) is accepted for OrderRequest only; send the ${element} as text/xml or application/xml.`)
}
