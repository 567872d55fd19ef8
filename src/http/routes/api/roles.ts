import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import {
  customerRoleSchema, permissionCatalogSchema, roleInputSchema, roleListQuerySchema, roleParamsSchema, roleSchema,
} from '../../../../schemas/api/roles.ts'
import { DEFAULT_PERMISSIONS, PERMISSIONS, PERMISSION_NAMES } from '../../../domain/provisioning/permissions.ts'
import { deleteRole, listRoles, listRolesAcrossCustomers, putRole } from '../../../domain/provisioning/roles.ts'
import type { RouteContext } from '../index.ts'

/** Role mapping: customer role names → storefront permissions, and the pending-review queue. */
export async function roleRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { now } = ctx.deps
  const tags = ['roles']

  api.get('/permissions', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'The storefront permission catalog a role can be mapped to', response: { 200: permissionCatalogSchema } },
  }, async () => PERMISSION_NAMES.map((name) => ({ name, description: PERMISSIONS[name], default: DEFAULT_PERMISSIONS.includes(name) })))

  api.get('/customers/:id/roles', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: "A customer's roles, mapped or pending review", params: idParamsSchema, response: { 200: z.array(roleSchema) } },
  }, async (request) => listRoles(request.em, request.actor!, request.params.id))

  api.put('/customers/:id/roles/:role', {
    onRequest: ctx.auth('manage'),
    schema: {
      tags, summary: 'Map or remap a role (case-insensitive name); a pending role becomes mapped',
      params: roleParamsSchema, body: roleInputSchema, response: { 200: roleSchema },
    },
  }, async (request) => putRole(request.em, request.actor!, request.params.id, request.params.role, request.body, now()))

  api.delete('/customers/:id/roles/:role', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: "Delete a role mapping (never the customer's default role)", params: roleParamsSchema, response: { 204: z.null() } },
  }, async (request, reply) => {
    await deleteRole(request.em, request.actor!, request.params.id, request.params.role, now())
    return reply.code(204).send(null)
  })

  api.get('/roles', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'Roles across customers, oldest first (status=pending: the review queue)', querystring: roleListQuerySchema, response: { 200: z.array(customerRoleSchema) } },
  }, async (request) => listRolesAcrossCustomers(request.em, request.actor!, request.query))
}
