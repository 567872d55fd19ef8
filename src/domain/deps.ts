import type { Config } from '../config/index.ts'
import type { AssertionSigner } from './federation/assertion.ts'
import type { KeyRing } from './federation/key-ring.ts'
import type { SecretHasher } from './security/secrets.ts'

/** What the domain needs from its surroundings; built once in buildApp, injected everywhere. */
export interface Deps {
  config: Readonly<Config>
  hasher: SecretHasher
  keys: KeyRing
  signer: AssertionSigner
  /** The clock: injected so expiry is testable without sleeping. */
  now(): Date
}
