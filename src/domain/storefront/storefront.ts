import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { CatalogAdapter } from '../catalog/catalog.ts'

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
}
