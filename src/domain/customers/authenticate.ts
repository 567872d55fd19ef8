import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { Credential, Customer } from '../../persistence/entities/index.ts'
import type { SecretHasher } from '../security/secrets.ts'

export interface PresentedCredential {
  domain: string
  identity: string
}

/**
 * Finds the customer by the From credentials (a buyer may send several), falling back to Sender,
 * then checks the secret against that customer's matching credential (protocol.md §1, §11.1).
 * Networks put their own identity in Sender, so Sender never decides the customer when a From
 * credential is known. Unknown identity and wrong secret give the same kind of answer and
 * take the same work (the secret is hashed either way).
 */
export async function authenticateCxml(
  em: SqlEntityManager,
  hasher: SecretHasher,
  from: PresentedCredential[],
  sender: PresentedCredential[],
  sharedSecret: string | undefined,
): Promise<Customer> {
  const candidates = (await findCredentials(em, 'cxml', from)) ?? (await findCredentials(em, 'cxml', sender))
  return verify(em, hasher, candidates, sharedSecret, () => describe(from, sender))
}

/** OCI: USERNAME/PASSWORD are the customer's technical credential; they identify no person. */
export async function authenticateOci(
  em: SqlEntityManager,
  hasher: SecretHasher,
  username: string,
  password: string | undefined,
): Promise<Customer> {
  const candidates = await findCredentials(em, 'oci', [{ domain: 'oci', identity: username }])
  return verify(em, hasher, candidates, password, () => `OCI user ${username}`)
}

async function findCredentials(
  em: SqlEntityManager,
  protocol: 'cxml' | 'oci',
  presented: PresentedCredential[],
): Promise<Credential[] | undefined> {
  if (presented.length === 0) return undefined
  const found = await em.find(Credential, {
    protocol,
    revokedAt: null,
    $or: presented.map((c) => ({ domain: c.domain.toLowerCase(), identity: c.identity })),
  })
  return found.length > 0 ? found : undefined
}

async function verify(
  em: SqlEntityManager,
  hasher: SecretHasher,
  candidates: Credential[] | undefined,
  secret: string | undefined,
  who: () => string,
): Promise<Customer> {
  if (!candidates) {
    // Hash anyway, so an unknown identity costs what a wrong secret costs.
    hasher.hash(secret ?? '')
    throw new PunchgateError('PG_ERR_AUTH_UNKNOWN_CREDENTIAL', `No customer is set up for ${who()}; check the credential domain and identity.`)
  }
  const customerIds = new Set(candidates.map((c) => c.customerId))
  if (customerIds.size > 1) {
    throw new PunchgateError('PG_ERR_AUTH_UNKNOWN_CREDENTIAL', `The credentials of ${who()} belong to different customers; send only one organization's credentials.`)
  }
  const ok = secret !== undefined && candidates.some((c) => hasher.verify(secret, c.secretHash))
  if (!ok) {
    throw new PunchgateError('PG_ERR_AUTH_BAD_SECRET', `The shared secret for ${who()} does not match the one configured with the supplier.`)
  }
  return em.findOneOrFail(Customer, { id: candidates[0]!.customerId })
}

function describe(from: PresentedCredential[], sender: PresentedCredential[]): string {
  const list = (from.length ? from : sender).map((c) => `${c.domain}:${c.identity}`)
  return list.length ? list.join(', ') : 'a document without credentials'
}
