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

/**
 * An unknown identity, credentials of two customers and a wrong secret get one answer — same
 * code, same text — so the answer never tells whether a customer identity exists
 * (docs/errors.md, "Authentication refusals"). The secret is hashed in every case, so each costs the same.
 */
function verify(deps: Deps, candidates: CredentialMatch[], secret: string | undefined, who: () => string): Customer {
  const refused = () => new PunchgateError('PG_ERR_AUTH_BAD_SECRET', `The credential of ${who()} is not accepted: the identity and shared secret (or password) do not match a credential configured with the supplier.`)
  const customerIds = new Set(candidates.map((c) => c.customerId))
  if (candidates.length === 0 || customerIds.size > 1) {
    deps.hasher.hash(secret ?? '')
    throw refused()
  }
  const ok = secret !== undefined && candidates.some((c) => deps.hasher.verify(secret, c.secretHash))
  if (!ok) throw refused()
  return candidates[0]!.customer
}

function describe(from: PresentedCredential[], sender: PresentedCredential[]): string {
  const list = (from.length ? from : sender).map((c) => `${c.domain}:${c.identity}`)
  return list.length ? list.join(', ') : 'a document without credentials'
}
