import type { FastifyInstance } from 'fastify'

/**
 * cXML and form bodies reach the routes as raw bytes: the journal keeps them exactly, and the
 * protocol modules decode them in the charset the document or the Content-Type declares.
 * Fastify enforces each route's bodyLimit before any parsing.
 */
export function registerRawBodyParsers(app: FastifyInstance): void {
  const keepBytes = (_req: unknown, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body)
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'buffer' }, keepBytes)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, keepBytes)
}

/** Longest media type quoted back: enough for any registered type, not a place to echo a payload. */
const MAX_QUOTED_TYPE = 100

/**
 * The text of a 415 for a body no parser accepts, naming the media type actually sent (its
 * parameters — boundary, start, charset — left out). `multipart/related` is how cXML travels with
 * attachments (cXML User's Guide, "Attachments"): only the cXML endpoint takes it, for an
 * OrderRequest (docs/cxml.md, "Attachments"); elsewhere it gets its own, plain explanation.
 */
export function unacceptedMediaType(contentType: string | undefined): string {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === '') return 'A body without a Content-Type is not accepted here; send cXML as text/xml or application/xml.'
  if (type === 'multipart/related') {
    return 'multipart/related (cXML with attachments) is accepted only for an OrderRequest at /punchout/cxml; this endpoint does not take it.'
  }
  const quoted = type.length > MAX_QUOTED_TYPE ? `${type.slice(0, MAX_QUOTED_TYPE)}…` : type
  return `Content-Type ${JSON.stringify(quoted)} is not accepted here.`
}
