import type { Config } from '../config/index.ts'
import type { PunchoutStore } from '../persistence/punchout-store.ts'
import type { AssertionSigner } from './federation/assertion.ts'
import type { PriceBooks } from './pricing/store.ts'
import type { KeyRing } from './federation/key-ring.ts'
import type { KeySealer, SecretHasher } from './security/secrets.ts'
import type { StorefrontAdapter } from './storefront/storefront.ts'

/** What the domain needs from its surroundings; built once in buildApp, injected everywhere. */
export interface Deps {
  config: Readonly<Config>
  hasher: SecretHasher
  /** Seals what the gateway must send on later (the signing keys, customers' order-status secrets). */
  sealer: KeySealer
  keys: KeyRing
  signer: AssertionSigner
  /**
   * Where buyers shop: its login URL equals config.storefrontLoginUrl (the composition root
   * builds it from that setting), and its catalog answers the OCI background FUNCTIONs.
   */
  storefront: StorefrontAdapter
  /** The reads and the one write of the hot paths (setup, start link, cart return). */
  store: PunchoutStore
  /** The prices a cart return checks its lines against (src/domain/pricing). */
  prices: PriceBooks
  /** The clock: injected so expiry is testable without sleeping. */
  now(): Date
}
