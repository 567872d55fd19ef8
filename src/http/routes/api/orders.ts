import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { idParamsSchema } from '../../../../schemas/api/customers.ts'
import { orderAttachmentParamsSchema, orderDetailSchema, orderListQuerySchema, orderSchema } from '../../../../schemas/api/orders.ts'
import { getOrder, getOrderAttachment, listOrders } from '../../../domain/orders/orders-view.ts'
import { attachmentHeaders } from '../../download.ts'
import type { RouteContext } from '../index.ts'

/** Orders received as cXML OrderRequest: the built-in storefront's order store. */
export async function orderRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const tags = ['orders']

  api.get('/orders', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'Orders received, newest first; filter by customer, status or payloadID', querystring: orderListQuerySchema, response: { 200: z.array(orderSchema) } },
  }, async (request) => listOrders(request.em, request.actor!, request.query))

  api.get('/orders/:id', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'One order: its lines, the linked punchout session and cart, the differences from the cart', params: idParamsSchema, response: { 200: orderDetailSchema } },
  }, async (request) => getOrder(request.em, request.actor!, request.params.id))

  api.get('/orders/:id/attachments/:attachmentId', {
    onRequest: ctx.auth('read'),
    schema: { tags, summary: 'The content of a file that came with the order (multipart/related OrderRequest), as a download', params: orderAttachmentParamsSchema },
  }, async (request, reply) => {
    const attachment = await getOrderAttachment(request.em, request.actor!, request.params.id, request.params.attachmentId)
    return reply.headers(attachmentHeaders(attachment)).send(attachment.content)
  })
}
