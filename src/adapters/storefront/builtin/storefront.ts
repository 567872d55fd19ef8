import type { StorefrontAdapter } from '../../../domain/storefront/storefront.ts'
import { builtinCatalog } from './catalog.ts'

/** Where the composition root mounts the built-in storefront's routes (routes.ts). */
export const BUILTIN_STOREFRONT_PREFIX = '/shop'

/**
 * The built-in reference storefront as the gateway sees it: served by the gateway itself under
 * BUILTIN_STOREFRONT_PREFIX, signing buyers in at `<prefix>/login`, and answering the OCI
 * background FUNCTIONs from its own tables (`products`, `contract_prices`).
 */
export function builtinStorefront(publicUrl: string, now: () => Date): StorefrontAdapter {
  return {
    loginUrl: `${publicUrl}${BUILTIN_STOREFRONT_PREFIX}/login`,
    // Contract prices are chosen by the gateway's clock (injected: tests move it), like every other date.
    catalog: (em) => builtinCatalog(em, now),
    // Its order store is the gateway's own `orders` table: nothing to deliver.
    handOff: () => undefined,
  }
}
