import type { FastifyInstance } from 'fastify'
import { getCustomer } from '../../domain/customers/manage.ts'
import { lookupPrice } from '../../domain/pricing/lookup.ts'
import { agentOf, sendPage, type ConsoleKit } from '../context.ts'
import { priceLookupBody } from '../pages/prices.ts'
import { checkedId } from './customers.ts'

type LookupRequest = { Params: { id: string }; Querystring: { sku?: string } }

/** The price lookup of a customer (read capability, like every console page). */
export async function priceRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  app.get<LookupRequest>('/customers/:id/prices', async (request, reply) => {
    const actor = agentOf(request).actor
    const id = checkedId(request.params.id)
    const customer = await getCustomer(request.em, actor, id)
    const sku = typeof request.query.sku === 'string' ? request.query.sku.trim() : ''
    if (sku.length > 200) {
      return sendPage(kit, request, reply, 'Price lookup', priceLookupBody(customer, '', null, 'A SKU has at most 200 characters.'), 'customers', 400)
    }
    const lookup = sku ? await lookupPrice(request.em, actor, id, sku, kit.deps.now()) : null
    return sendPage(kit, request, reply, sku ? `${sku} · price lookup` : 'Price lookup', priceLookupBody(customer, sku, lookup), 'customers')
  })
}
