import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { requestListQuerySchema, sessionExportQuerySchema, sessionListQuerySchema } from '../../../schemas/api/sessions.ts'
import { listCustomers } from '../../domain/customers/manage.ts'
import { exportSessions } from '../../domain/journal/export.ts'
import { requestDetail, searchRequests } from '../../domain/journal/requests.ts'
import { searchSessions, sessionDetail } from '../../domain/journal/sessions.ts'
import { roleMay } from '../../domain/accounts/capabilities.ts'
import { agentOf, pageContext, parseWith, queryOf, sendPage, type ConsoleKit } from '../context.ts'
import { requestsBody, sessionsBody, type FilterValues } from '../pages/sessions.ts'
import { requestBody, sessionBody } from '../pages/session.ts'
import { replayActions } from '../pages/replay.ts'

const PAGE_SIZE = 50
const EXPORT_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const

/**
 * Sessions and the journal, through the same domain searches as GET /api/sessions and
 * /api/requests (and the same filter rules: the API's query schemas validate the form).
 */
export async function sessionRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  app.get('/sessions', async (request, reply) => {
    const actor = agentOf(request).actor
    const values = filterValues(queryOf(request), SESSION_FILTERS)
    const { limit, cursor, ...filters } = parseWith(sessionListQuerySchema, { ...apiTimes(values), limit: PAGE_SIZE })
    const [customers, page] = await Promise.all([
      listCustomers(request.em, actor),
      searchSessions(request.em.fork(), actor, filters, { limit, ...(cursor === undefined ? {} : { cursor }) }),
    ])
    return sendPage(kit, request, reply, 'Sessions', sessionsBody(customers, values, page), 'sessions')
  })

  app.get('/sessions/export', async (request, reply) => {
    const values = filterValues(queryOf(request), [...SESSION_FILTERS.filter((f) => f !== 'cursor'), 'format'])
    const { format, ...filters } = parseWith(sessionExportQuerySchema, apiTimes(values))
    const lines = await exportSessions(request.em, agentOf(request).actor, filters, format)
    const day = kit.deps.now().toISOString().slice(0, 10)
    return reply
      .type(EXPORT_TYPES[format])
      .header('content-disposition', `attachment; filename="punchout-sessions-${day}.${format}"`)
      .send(Readable.from(lines, { objectMode: false }))
  })

  app.get<{ Params: { id: string } }>('/sessions/:id', async (request, reply) => {
    const { actor } = agentOf(request)
    const session = await sessionDetail(request.em, actor, request.params.id)
    return sendPage(kit, request, reply, `Session ${session.id}`, sessionBody(session, { manage: roleMay(actor.role, 'manage') }, replayActions(pageContext(kit, request), session)), 'sessions')
  })

  app.get('/requests', async (request, reply) => {
    const actor = agentOf(request).actor
    const values = filterValues(queryOf(request), REQUEST_FILTERS)
    const { limit, cursor, ...filters } = parseWith(requestListQuerySchema, { ...apiTimes(values), limit: PAGE_SIZE })
    const [customers, page] = await Promise.all([
      listCustomers(request.em, actor),
      searchRequests(request.em.fork(), actor, filters, { limit, ...(cursor === undefined ? {} : { cursor }) }),
    ])
    return sendPage(kit, request, reply, 'Requests', requestsBody(customers, values, page), 'requests')
  })

  app.get<{ Params: { id: string } }>('/requests/:id', async (request, reply) => {
    const detail = await requestDetail(request.em, agentOf(request).actor, request.params.id)
    return sendPage(kit, request, reply, 'Request', requestBody(detail), 'requests')
  })
}

const SESSION_FILTERS = ['customer', 'user', 'status', 'failureCode', 'protocol', 'operation', 'from', 'to', 'payloadId', 'buyerCookie', 'q', 'cursor']
const REQUEST_FILTERS = ['payloadId', 'requestId', 'customer', 'outcome', 'channel', 'errorCode', 'from', 'to', 'cursor']

/** The known filters of the query string (anything else, such as a stray field, is ignored). */
function filterValues(query: Record<string, string | undefined>, names: readonly string[]): FilterValues {
  return Object.fromEntries(names.filter((n) => query[n] !== undefined).map((n) => [n, query[n]]))
}

/** A datetime-local value (minutes, no zone) is UTC, as the form says; the API takes ISO 8601 with a zone. */
function apiTimes(v: FilterValues): FilterValues {
  const iso = (t?: string) => (t && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(t) ? `${t.length === 16 ? `${t}:00` : t}Z` : t)
  return { ...v, ...(v.from ? { from: iso(v.from) } : {}), ...(v.to ? { to: iso(v.to) } : {}) }
}
