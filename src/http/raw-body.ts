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
