import type { OrderHandOff, StorefrontDelivery } from '../../../domain/storefront/storefront.ts'

/**
 * An external storefront's order hand-off (docs/operations.md, "Orders to an external
 * storefront"): each accepted OrderRequest is posted as JSON to STOREFRONT_ORDER_URL through the
 * outbox. `id` (the gateway's order id) and the `Idempotency-Key` header let the storefront
 * ignore a repeat, since delivery is at least once.
 */
export function httpOrderHandOff(url: string): (handOff: OrderHandOff) => StorefrontDelivery {
  return ({ order, lines, customer, session }) => ({
    url,
    contentType: 'application/json',
    body: JSON.stringify({
      event: 'order.received',
      order: {
        id: order.id, payloadID: order.payloadId, orderID: order.orderId, type: order.type, status: order.status,
        orderDate: order.orderDate ?? null, total: order.total ?? null, currency: order.currency ?? null, deploymentMode: order.deploymentMode,
        shipTo: order.shipTo ?? null, billTo: order.billTo ?? null, comments: order.comments ?? null,
        cartId: order.cartId ?? null, differences: order.differences, createdAt: order.createdAt.toISOString(),
      },
      lines: lines.map((l) => ({
        position: l.position, lineNumber: l.lineNumber ?? null, sku: l.sku, auxiliaryId: l.auxiliaryId ?? null, quantity: l.quantity,
        unitPrice: l.unitPrice ?? null, currency: l.currency ?? null, description: l.description ?? null,
        unitOfMeasure: l.unitOfMeasure ?? null, classification: l.classification ?? null,
      })),
      customer: { id: customer.id, name: customer.name, slug: customer.slug },
      session: session ? { id: session.id, userId: session.userId ?? null, protocol: session.protocol, createdAt: session.createdAt.toISOString() } : null,
    }),
  })
}
