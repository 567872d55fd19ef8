import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import {
  importQuerySchema, importReportSchema, lookupQuerySchema, priceInputSchema, priceListQuerySchema, priceLookupSchema, priceParamsSchema, priceSchema,
} from '../../../../schemas/api/prices.ts'
import { importPrices } from '../../../domain/pricing/import.ts'
import { lookupPrice } from '../../../domain/pricing/lookup.ts'
import { createPrice, deletePrice, listPrices, updatePrice } from '../../../domain/pricing/manage.ts'
import type { RouteContext } from '../index.ts'

/** A price list of 20 000 rows fits; the gateway's default body limit (1 MiB) would not. */
const CSV_BODY_LIMIT = 4 * 1024 * 1024

/** Contract prices of a customer (docs/api.md, "Contract prices and price checks"). */
export async function priceRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { now } = ctx.deps
  const tags = ['prices']
  // Encapsulated: only this plugin's routes take CSV.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body))

  api.get('/customers/:id/prices', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: "A customer's contract prices, by SKU", params: idParamsSchema, querystring: priceListQuerySchema, response: { 200: z.array(priceSchema) } },
  }, async (request) => listPrices(request.em, request.actor!, request.params.id, request.query.sku))

  api.post('/customers/:id/prices', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Add a contract price (refused when it overlaps another)', params: idParamsSchema, body: priceInputSchema, response: { 201: priceSchema } },
  }, async (request, reply) => reply.code(201).send(await createPrice(request.em, request.actor!, request.params.id, request.body, now())))

  api.put('/customers/:id/prices/:priceId', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Replace a contract price', params: priceParamsSchema, body: priceInputSchema, response: { 200: priceSchema } },
  }, async (request) => updatePrice(request.em, request.actor!, request.params.id, request.params.priceId, request.body, now()))

  api.delete('/customers/:id/prices/:priceId', {
    onRequest: ctx.auth('manage'),
    schema: { tags, summary: 'Delete a contract price', params: priceParamsSchema, response: { 204: z.null() } },
  }, async (request, reply) => {
    await deletePrice(request.em, request.actor!, request.params.id, request.params.priceId, now())
    return reply.code(204).send(null)
  })

  api.post('/customers/:id/prices/import', {
    onRequest: ctx.auth('manage'),
    bodyLimit: CSV_BODY_LIMIT,
    schema: {
      tags, summary: 'Import contract prices from CSV (text/csv): valid rows in one transaction, a report of the rejected ones',
      params: idParamsSchema, querystring: importQuerySchema, body: z.string(), response: { 200: importReportSchema },
    },
  }, async (request) => importPrices(request.em, request.actor!, request.params.id, request.body, request.query.dryRun, now()))

  api.get('/customers/:id/prices/lookup', {
    onRequest: ctx.auth('read'),
    schema: {
      tags, summary: 'Confirm a price: contract and list prices, the price in force, the price the buyer last saw and whether they agree',
      params: idParamsSchema, querystring: lookupQuerySchema, response: { 200: priceLookupSchema },
    },
  }, async (request) => lookupPrice(request.em, request.actor!, request.params.id, request.query.sku, now()))
}
