import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import {
  credentialInputSchema, credentialSchema, customerInputSchema, customerPatchSchema, customerSchema, idParamsSchema,
} from '../../../../schemas/api/customers.ts'
import {
  addCredential, createCustomer, getCustomer, listCredentials, listCustomers, patchCustomer, revokeCredential,
} from '../../../domain/customers/manage.ts'
import type { RouteContext } from '../index.ts'
import { credentialView, customerView } from './serialize.ts'

export async function customerRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { now, hasher, sealer } = ctx.deps
  const tags = ['customers']

  api.get('/customers', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'List customers', response: { 200: z.array(customerSchema) } },
  }, async (request) => (await listCustomers(request.em, request.actor!)).map(customerView))

  api.post('/customers', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Create a customer (buying organization)', body: customerInputSchema, response: { 201: customerSchema } },
  }, async (request, reply) => reply.code(201).send(customerView(await createCustomer(request.em, sealer, request.actor!, request.body, now()))))

  api.get('/customers/:id', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'One customer', params: idParamsSchema, response: { 200: customerSchema } },
  }, async (request) => customerView(await getCustomer(request.em, request.actor!, request.params.id)))

  api.patch('/customers/:id', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Change a customer: profile, policy, allow-list, transport, order-status URL and secret', params: idParamsSchema, body: customerPatchSchema, response: { 200: customerSchema } },
  }, async (request) => customerView(await patchCustomer(request.em, sealer, request.actor!, request.params.id, request.body, now())))

  api.get('/customers/:id/credentials', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: "A customer's credentials (never the secrets)", params: idParamsSchema, response: { 200: z.array(credentialSchema) } },
  }, async (request) => (await listCredentials(request.em, request.actor!, request.params.id)).map(credentialView))

  api.post('/customers/:id/credentials', {
    onRequest: ctx.auth('manage'),
    schema: {
      tags, summary: 'Add a cXML or OCI credential; the secret is stored as a keyed hash and never shown again',
      params: idParamsSchema, body: credentialInputSchema, response: { 201: credentialSchema },
    },
  }, async (request, reply) =>
    reply.code(201).send(credentialView(await addCredential(request.em, hasher, request.actor!, request.params.id, request.body, now()))))

  api.post('/customers/:id/credentials/:credentialId/revoke', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Revoke a credential (rotate: add the new one first)', params: z.object({ id: z.uuid(), credentialId: z.uuid() }), response: { 200: credentialSchema } },
  }, async (request) => credentialView(await revokeCredential(request.em, request.actor!, request.params.id, request.params.credentialId, now())))
}
