import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { auditPageSchema, auditQuerySchema } from '../../../../schemas/api/audit.ts'
import { listAuditEntries } from '../../../domain/audit/audit-log.ts'
import type { RouteContext } from '../index.ts'

/** The audit log: every write through the API, with actor and reason (docs/api.md, "Audit log"). */
export async function auditRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get('/audit', {
    onRequest: ctx.auth('read'),
    schema: {
      tags: ['audit'], summary: 'Audit entries, newest first, within the caller\'s customer scope',
      querystring: auditQuerySchema, response: { 200: auditPageSchema },
    },
  }, async (request) => {
    const { limit, cursor, ...filters } = request.query
    return listAuditEntries(request.em, request.actor!, filters, { limit, ...(cursor === undefined ? {} : { cursor }) })
  })
}
