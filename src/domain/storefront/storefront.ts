import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { Customer, Order, OrderLine, PunchoutSession } from '../../persistence/entities/index.ts'
import type { CatalogAdapter } from '../catalog/catalog.ts'

/** An accepted order as it is handed to the storefront: the order, its lines, the customer, the linked punchout session. */
export interface OrderHandOff {
  order: Omit<Order, 'journalEntryId'>
  lines: OrderLine[]
  customer: Customer
  session?: PunchoutSession
}

/** An HTTP POST the outbox makes to the storefront (docs/operations.md, "The outbox"). */
export interface StorefrontDelivery {
  url: string
  contentType: string
  body: string
}

/**
 * The storefront the buyer shops in, as the gateway needs it: a port of the domain. The built-in
 * reference storefront (src/adapters/storefront/builtin) implements it, and so will an external
 * storefront (orders are handed to it next). The composition root (src/http/app.ts) picks one
 * and hands it to the domain in Deps.
 */
export interface StorefrontAdapter {
  /**
   * Where the buyer's browser is sent once a start link is used, with the signed identity
   * assertion added as the `assertion` query parameter. The storefront verifies the assertion
   * (issuer: the gateway's public URL; audience: config.storefrontAudience) and signs the buyer in.
   */
  readonly loginUrl: string
  /**
   * The catalog the gateway reads on its own, without a shopper: the OCI background FUNCTIONs
   * (VALIDATE re-prices one product, BACKGROUND_SEARCH returns search hits).
   */
  catalog(em: SqlEntityManager): CatalogAdapter
  /**
   * Order hand-off: what to deliver for an accepted order. It is written to the outbox in the
   * order's own write, so an order answered 200 reaches the storefront even if it is down or the
   * gateway restarts. Undefined: the storefront keeps orders itself (the built-in one reads the
   * `orders` table).
   */
  handOff(order: OrderHandOff): StorefrontDelivery | undefined
}
