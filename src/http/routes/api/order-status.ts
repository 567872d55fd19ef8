import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import {
  confirmationInputSchema, deliveredInputSchema, deliverySchema, outboxMessageSchema, shipNoticeInputSchema,
} from '../../../../schemas/api/orders.ts'
import { recordDelivery, sendConfirmation, sendShipNotice } from '../../../domain/orders/order-status.ts'
import type { RouteContext } from '../index.ts'

/**
 * The order journey after intake (docs/api.md, "Order status"): confirmations and ship notices
 * queued for the customer's order-status URL, and the delivery. Admin and support tokens and the
 * storefront's token (its `cart` capability: the storefront adapter reports what it ships) may
 * call them, within their customer scope.
 */
export async function orderStatusRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['orders']
  const { deps } = ctx

  api.post('/orders/:id/confirmations', {
    onRequest: ctx.auth('cart'),
    schema: { tags, summary: 'Confirm (accept, reject, detail) an order: a cXML ConfirmationRequest queued for the customer\'s order-status URL', params: idParamsSchema, body: confirmationInputSchema, response: { 202: outboxMessageSchema } },
  }, async (request, reply) => reply.code(202).send(await sendConfirmation(request.em, deps, request.actor!, request.params.id, request.body)))

  api.post('/orders/:id/ship-notices', {
    onRequest: ctx.auth('cart'),
    schema: { tags, summary: 'Announce a shipment (carrier, tracking number, lines): a cXML ShipNoticeRequest queued for the customer\'s order-status URL', params: idParamsSchema, body: shipNoticeInputSchema, response: { 202: outboxMessageSchema } },
  }, async (request, reply) => reply.code(202).send(await sendShipNotice(request.em, deps, request.actor!, request.params.id, request.body)))

  api.post('/orders/:id/delivered', {
    onRequest: ctx.auth('cart'),
    schema: { tags, summary: 'Record that the order reached the buyer (on the session\'s timeline)', params: idParamsSchema, body: deliveredInputSchema.nullish(), response: { 200: deliverySchema } },
  }, async (request) => recordDelivery(request.em, deps, request.actor!, request.params.id, request.body ?? {}))
}
