import { PunchgateError } from '../../errors/index.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import type { CredentialMatch } from '../../persistence/punchout-store.ts'
import type { Deps } from '../deps.ts'

export interface PresentedCredential {
  domain: string
  identity: string
}

/** The cXML Sender as authentication sees it. */
export interface PresentedSender {
  credentials: PresentedCredential[]
  sharedSecret?: string
  /** CredentialMac or DigitalSignature instead of a SharedSecret. */
  usesUnsupportedAuthentication: boolean
}

/**
 * Finds the customer by the From credentials (a buyer may send several), falling back to Sender,
 * then checks the secret against that customer's matching credential (docs/cxml.md,
 * "Who is the customer"). Networks put their own identity in Sender, so Sender never decides the
 * customer when a From credential is known. Unknown identity and wrong secret give the same kind
 * of answer and take the same work (the secret is hashed either way). One read: the credentials
 * with their customer.
 */
export async function authenticateCxml(deps: Deps, from: PresentedCredential[], sender: PresentedSender): Promise<Customer> {
  if (sender.usesUnsupportedAuthentication && sender.sharedSecret === undefined) {
    throw new PunchgateError('PG_ERR_AUTH_BAD_SECRET', 'The Sender authenticates with CredentialMac or DigitalSignature; this supplier is configured for SharedSecret only.')
  }
  const candidates = from.length > 0 ? await deps.store.credentials('cxml', from) : []
  const found = candidates.length > 0 ? candidates : await deps.store.credentials('cxml', sender.credentials)
  return verify(deps, found, sender.sharedSecret, () => describe(from, sender.credentials))
}

/** OCI: USERNAME/PASSWORD are the customer's technical credential; they identify no person. */
export async function authenticateOci(deps: Deps, username: string, password: string | undefined): Promise<Customer> {
  const candidates = await deps.store.credentials('oci', [{ domain: 'oci', identity: username }])
  return verify(deps, candidates, password, () => `OCI user ${username}`)
}

function verify(deps: Deps, candidates: CredentialMatch[], secret: string | undefined, who: () => string): Customer {
  if (candidates.length === 0) {
    // Hash anyway, so an unknown identity costs what a wrong secret costs.
    deps.hasher.hash(secret ?? '')
    throw new PunchgateError('PG_ERR_AUTH_UNKNOWN_CREDENTIAL', `No customer is set up for ${who()}; check the credential domain and identity.`)
  }
  const customerIds = new Set(candidates.map((c) => c.customerId))
  if (customerIds.size > 1) {
    throw new PunchgateError('PG_ERR_AUTH_UNKNOWN_CREDENTIAL', `The credentials of ${who()} belong to different customers; send only one organization's credentials.`)
  }
  const ok = secret !== undefined && candidates.some((c) => deps.hasher.verify(secret, c.secretHash))
  if (!ok) {
    throw new PunchgateError('PG_ERR_AUTH_BAD_SECRET', `The shared secret for ${who()} does not match the one configured with the supplier.`)
  }
  return candidates[0]!.customer
}

function describe(from: PresentedCredential[], sender: PresentedCredential[]): string {
  const list = (from.length ? from : sender).map((c) => `${c.domain}:${c.identity}`)
  return list.length ? list.join(', ') : 'a document without credentials'
}
