import { randomUUID } from 'node:crypto'
import { UniqueConstraintViolationException, wrap } from '@mikro-orm/core'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { CredentialInput, CustomerInput, CustomerPatch } from './customer-input.ts'
import { PunchgateError } from '../../errors/index.ts'
import { Credential, Customer, CustomerRole } from '../../persistence/entities/index.ts'
import { requireEveryCustomer } from '../accounts/scope.ts'
import { actorMaySee, audit, type Actor } from '../audit/audit.ts'
import { cartChecksSettings } from '../provisioning/cart-rules.ts'
import { DEFAULT_PERMISSIONS } from '../provisioning/permissions.ts'
import type { KeySealer, SecretHasher } from '../security/secrets.ts'
import { sealOrderStatusSecret } from './order-status-secret.ts'

export async function createCustomer(em: SqlEntityManager, sealer: KeySealer, actor: Actor, input: CustomerInput, now: Date): Promise<Customer> {
  // The new customer would be outside the actor's own scope.
  requireEveryCustomer(actor, 'create customers')
  const { orderStatusSecret, ...settings } = input
  const id = randomUUID()
  return em.transactional(async (tem) => {
    const customer = tem.create(Customer, {
      id, ...settings, orderStatusSecret: orderStatusSecret ? sealOrderStatusSecret(sealer, id, orderStatusSecret) : null, createdAt: now, updatedAt: now,
    })
    await flushOrConflict(tem, input.slug)
    // The default role exists from the start, mapped to the default permissions.
    const defaultRole = input.provisioning.defaultRole
    tem.create(CustomerRole, {
      id: randomUUID(), customerId: customer.id, name: defaultRole, nameKey: defaultRole.toLowerCase(),
      status: 'mapped', permissions: DEFAULT_PERMISSIONS, spendLimit: null, createdAt: now, updatedAt: now,
    })
    audit(tem, actor, { action: 'customer.create', targetType: 'customer', targetId: customer.id, customerId: customer.id, after: { ...settings, hasOrderStatusSecret: Boolean(orderStatusSecret) } }, now)
    return customer
  })
}

/** A new default role exists mapped to the default permissions, as a new customer's does. */
async function ensureDefaultRole(em: SqlEntityManager, customerId: string, name: string, now: Date): Promise<void> {
  await em.execute(
    `insert into customer_roles (id, customer_id, name, name_key, status, permissions, spend_limit, created_at, updated_at)
     values (?, ?, ?, ?, 'mapped', ?::jsonb, null, ?, ?) on conflict (customer_id, name_key) do nothing`,
    [randomUUID(), customerId, name, name.toLowerCase(), JSON.stringify(DEFAULT_PERMISSIONS), now, now],
  )
}

/** Entities here carry plain foreign-key columns, so parents are flushed before children. */
async function flushOrConflict(em: SqlEntityManager, slug: string): Promise<void> {
  try {
    await em.flush()
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      throw new PunchgateError('PG_ERR_CONFLICT', `A customer with slug "${slug}" already exists.`)
    }
    throw err
  }
}

/** The customers the actor may see, by name. */
export async function listCustomers(em: SqlEntityManager, actor: Actor): Promise<Customer[]> {
  return em.find(Customer, actor.customerIds === null ? {} : { id: { $in: [...actor.customerIds] } }, { orderBy: { name: 'asc', id: 'asc' } })
}

/** A customer the actor may see; another scope's customer answers like a missing one (its existence is not confirmed). */
export async function getCustomer(em: SqlEntityManager, actor: Actor, id: string): Promise<Customer> {
  const customer = actorMaySee(actor, id) ? await em.findOne(Customer, { id }) : null
  if (!customer) throw new PunchgateError('PG_ERR_NOT_FOUND', `No customer ${id}.`)
  return customer
}

export async function patchCustomer(em: SqlEntityManager, sealer: KeySealer, actor: Actor, id: string, patch: CustomerPatch, now: Date): Promise<Customer> {
  return em.transactional(async (tem) => {
    const customer = await getCustomer(tem, actor, id)
    const before = audited(customer)
    const { provisioning, ociOptions, cartChecks, orderStatusSecret, ...rest } = patch
    Object.assign(customer, rest)
    if (orderStatusSecret !== undefined) customer.orderStatusSecret = orderStatusSecret === null ? null : sealOrderStatusSecret(sealer, id, orderStatusSecret)
    if (cartChecks) customer.cartChecks = { ...cartChecksSettings(customer), ...cartChecks }
    if (provisioning) customer.provisioning = { ...customer.provisioning, ...provisioning }
    if (provisioning?.defaultRole) await ensureDefaultRole(tem, customer.id, provisioning.defaultRole, now)
    if (ociOptions) {
      const merged: Record<string, unknown> = { ...customer.ociOptions, ...ociOptions }
      if (merged.optionalFields === null) delete merged.optionalFields
      customer.ociOptions = merged
    }
    customer.updatedAt = now
    // A replaced secret leaves hasOrderStatusSecret as it was: the entry says that it was set.
    const secretChange = orderStatusSecret === undefined ? {} : { orderStatusSecret: orderStatusSecret === null ? 'cleared' : 'set' }
    audit(tem, actor, { action: 'customer.update', targetType: 'customer', targetId: id, customerId: id, before, after: { ...audited(customer), ...secretChange } }, now)
    return customer
  })
}

/** The customer as the audit log keeps it: whether it has an order-status secret, never the sealed value. */
function audited(customer: Customer): Record<string, unknown> {
  const { orderStatusSecret, ...settings } = wrap(customer).toObject()
  return { ...settings, hasOrderStatusSecret: Boolean(orderStatusSecret) }
}

export async function addCredential(
  em: SqlEntityManager,
  hasher: SecretHasher,
  actor: Actor,
  customerId: string,
  input: CredentialInput,
  now: Date,
): Promise<Credential> {
  return em.transactional(async (tem) => {
    await getCustomer(tem, actor, customerId)
    const [domain, identity, secret] =
      input.protocol === 'cxml'
        ? [input.domain.toLowerCase(), input.identity, input.sharedSecret]
        : ['oci', input.username, input.password]
    const taken = await tem.findOne(Credential, {
      protocol: input.protocol, domain, identity, revokedAt: null, customerId: { $ne: customerId },
    })
    if (taken) {
      throw new PunchgateError('PG_ERR_CONFLICT', `The ${input.protocol} identity ${identity} is already used by another customer.`)
    }
    const credential = tem.create(Credential, {
      id: randomUUID(), customerId, protocol: input.protocol, domain, identity,
      secretHash: hasher.hash(secret), createdAt: now, revokedAt: null,
    })
    audit(tem, actor, {
      action: 'credential.create', targetType: 'customer', targetId: customerId, customerId,
      after: { credentialId: credential.id, protocol: input.protocol, domain, identity },
    }, now)
    return credential
  })
}

export async function listCredentials(em: SqlEntityManager, actor: Actor, customerId: string): Promise<Credential[]> {
  await getCustomer(em, actor, customerId)
  return em.find(Credential, { customerId }, { orderBy: { createdAt: 'asc' } })
}

export async function revokeCredential(em: SqlEntityManager, actor: Actor, customerId: string, credentialId: string, now: Date): Promise<Credential> {
  return em.transactional(async (tem) => {
    const credential = actorMaySee(actor, customerId) ? await tem.findOne(Credential, { id: credentialId, customerId }) : null
    if (!credential) throw new PunchgateError('PG_ERR_NOT_FOUND', `No credential ${credentialId} on customer ${customerId}.`)
    credential.revokedAt ??= now
    audit(tem, actor, { action: 'credential.revoke', targetType: 'customer', targetId: customerId, customerId, after: { credentialId } }, now)
    return credential
  })
}
