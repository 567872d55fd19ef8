import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import {
  requestDetailSchema, requestIdParamsSchema, requestListQuerySchema, requestPageSchema, sessionDetailSchema, sessionExportQuerySchema,
  sessionIdParamsSchema, sessionListQuerySchema, sessionPageSchema,
} from '../../../../schemas/api/sessions.ts'
import { exportSessions } from '../../../domain/journal/export.ts'
import { requestDetail, searchRequests } from '../../../domain/journal/requests.ts'
import { searchSessions, sessionDetail } from '../../../domain/journal/sessions.ts'
import type { RouteContext } from '../index.ts'

const EXPORT_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const

/** Support's view of the journal: sessions with their timeline, and every answered request. */
export async function sessionRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['sessions']

  api.get('/sessions', {
    onRequest: ctx.auth('read'),
    schema: {
      tags, summary: 'Punchout sessions, newest first; filters combine, `cursor` pages (docs/api.md, "Sessions and the journal")',
      querystring: sessionListQuerySchema, response: { 200: sessionPageSchema },
    },
  }, async (request) => {
    const { limit, cursor, ...filters } = request.query
    return searchSessions(request.em, request.actor!, filters, { limit, ...(cursor === undefined ? {} : { cursor }) })
  })

  api.get('/sessions/export', {
    onRequest: ctx.auth('read'),
    schema: {
      tags, summary: 'Every session the filters match, streamed as NDJSON or CSV (formula cells neutralized)',
      querystring: sessionExportQuerySchema,
    },
  }, async (request, reply) => {
    const { format, ...filters } = request.query
    const lines = await exportSessions(request.em, request.actor!, filters, format)
    const day = ctx.deps.now().toISOString().slice(0, 10)
    return reply
      .type(EXPORT_TYPES[format])
      .header('content-disposition', `attachment; filename="punchout-sessions-${day}.${format}"`)
      .send(Readable.from(lines, { objectMode: false }))
  })

  api.get('/sessions/:id', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'One session: its timeline, the requests behind it with their payloads, returned carts', params: sessionIdParamsSchema, response: { 200: sessionDetailSchema } },
  }, async (request) => sessionDetail(request.em, request.actor!, request.params.id))

  api.get('/requests', {
    onRequest: ctx.auth('read'),
    schema: {
      tags, summary: 'Journaled protocol requests, newest first, including those that never became a session',
      querystring: requestListQuerySchema, response: { 200: requestPageSchema },
    },
  }, async (request) => {
    const { limit, cursor, ...filters } = request.query
    return searchRequests(request.em, request.actor!, filters, { limit, ...(cursor === undefined ? {} : { cursor }) })
  })

  api.get('/requests/:id', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'One journaled request with its payloads (secrets masked)', params: requestIdParamsSchema, response: { 200: requestDetailSchema } },
  }, async (request) => requestDetail(request.em, request.actor!, request.params.id))
}
