import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { credentialInputSchema, customerPatchSchema, type CredentialInput } from '../../domain/customers/customer-input.ts'
import { addCredential, getCustomer, listCredentials, listCustomers, patchCustomer, revokeCredential } from '../../domain/customers/manage.ts'
import { newToken } from '../../domain/security/secrets.ts'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import type { Credential } from '../../persistence/entities/index.ts'
import { actorOf, agentOf, formOf, parseWith, pageContext, requireCapability, sendPage, type ConsoleKit } from '../context.ts'
import { customerBody, customerEditBody, customerFormValues, customerListBody, type CustomerDetail, type CustomerFormValues } from '../pages/customers.ts'

type IdParams = { Params: { id: string } }
type CredentialParams = { Params: { id: string; credentialId: string } }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Customers: the list, settings, the allow-list and credentials. Changing them takes `manage`. */
export async function customerRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { deps } = kit

  app.get('/customers', async (request, reply) =>
    sendPage(kit, request, reply, 'Customers', customerListBody(await listCustomers(request.em, agentOf(request).actor)), 'customers'))

  app.get<IdParams>('/customers/:id', async (request, reply) => showCustomer(request, reply, request.params.id, {}))

  app.get<IdParams>('/customers/:id/edit', async (request, reply) => {
    requireCapability(request, 'manage')
    const customer = await getCustomer(request.em, agentOf(request).actor, checkedId(request.params.id))
    return sendPage(kit, request, reply, `Edit ${customer.name}`, customerEditBody(pageContext(kit, request), customer, customerFormValues(customer)), 'customers')
  })

  app.post<IdParams>('/customers/:id/edit', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const values = editedValues(formOf(request))
    try {
      await patchCustomer(request.em, deps.sealer, actorOf(request), id, parseWith(customerPatchSchema, patchOf(values)), deps.now())
    } catch (err) {
      if (!isPunchgateError(err) || err.code !== 'PG_ERR_API_VALIDATION') throw err
      const customer = await getCustomer(request.em.fork(), agentOf(request).actor, id)
      return sendPage(kit, request, reply, `Edit ${customer.name}`, customerEditBody(pageContext(kit, request), customer, values, err.message), 'customers', 400)
    }
    return reply.redirect(`/console/customers/${id}`, 303)
  })

  app.post<IdParams>('/customers/:id/return-urls', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const text = (formOf(request).get('hosts') ?? '').slice(0, 40_000)
    const hosts = text.split(/\r?\n/).map((h) => h.trim()).filter(Boolean)
    try {
      await patchCustomer(request.em, deps.sealer, actorOf(request), id, parseWith(customerPatchSchema, { returnUrlHosts: hosts }), deps.now())
    } catch (err) {
      if (!isPunchgateError(err) || err.code !== 'PG_ERR_API_VALIDATION') throw err
      return showCustomer(request, reply, id, { allowList: { text, error: err.message } }, 400)
    }
    return reply.redirect(`/console/customers/${id}#allow-list`, 303)
  })

  app.post<IdParams>('/customers/:id/credentials', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const form = formOf(request)
    const secret = form.get('secret') || newToken(24)
    const input = credentialInput(form.get('protocol'), form.get('domain') ?? '', form.get('identity') ?? '', secret)
    const credential = await addCredential(request.em, deps.hasher, actorOf(request), id, input, deps.now())
    return showCustomer(request, reply, id, { newSecret: { credential, secret } })
  })

  // Rotation keeps the old secret valid until it is revoked: the buyer switches without downtime.
  app.post<CredentialParams>('/customers/:id/credentials/:credentialId/rotate', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const old = await activeCredential(request, id, request.params.credentialId)
    const secret = newToken(24)
    const credential = await addCredential(request.em, deps.hasher, actorOf(request), id, credentialInput(old.protocol, old.domain, old.identity, secret), deps.now())
    return showCustomer(request, reply, id, { newSecret: { credential, secret, replaces: old } })
  })

  app.post<CredentialParams>('/customers/:id/credentials/:credentialId/revoke', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    await revokeCredential(request.em, actorOf(request), id, checkedId(request.params.credentialId), deps.now())
    return reply.redirect(`/console/customers/${id}#credentials`, 303)
  })

  async function showCustomer(request: FastifyRequest, reply: FastifyReply, id: string, extra: Partial<CustomerDetail>, status = 200) {
    const actor = agentOf(request).actor
    const customer = await getCustomer(request.em, actor, checkedId(id))
    const credentials = await listCredentials(request.em, actor, customer.id)
    return sendPage(kit, request, reply, customer.name, customerBody(pageContext(kit, request), { customer, credentials, ...extra }), 'customers', status)
  }
}

/** Ids in console paths are UUIDs; anything else is a page that does not exist. */
export function checkedId(id: string): string {
  if (!UUID.test(id)) throw new PunchgateError('PG_ERR_NOT_FOUND', 'There is no such console page.')
  return id.toLowerCase()
}

async function activeCredential(request: FastifyRequest, customerId: string, credentialId: string): Promise<Credential> {
  const credentials = await listCredentials(request.em, agentOf(request).actor, customerId)
  const found = credentials.find((c) => c.id === credentialId.toLowerCase() && !c.revokedAt)
  if (!found) throw new PunchgateError('PG_ERR_NOT_FOUND', 'This credential does not exist or was already revoked.')
  return found
}

function credentialInput(protocol: string | null, domain: string, identity: string, secret: string): CredentialInput {
  const value = protocol === 'oci'
    ? { protocol, username: identity, password: secret }
    : { protocol, domain, identity, sharedSecret: secret }
  return parseWith(credentialInputSchema, value)
}

function editedValues(form: URLSearchParams): CustomerFormValues {
  const text = (name: string) => (form.get(name) ?? '').slice(0, 20_000)
  return {
    name: text('name'), tier: text('tier'), slaTier: text('slaTier'), retentionDays: text('retentionDays'),
    identityProfile: text('identityProfile'), cartTransport: text('cartTransport'), unknownRoles: text('unknownRoles'), defaultRole: text('defaultRole'),
    autoCreateUsers: form.has('autoCreateUsers'), updateProfiles: form.has('updateProfiles'),
    matchByEmail: form.has('matchByEmail'), allowUnidentifiedBuyers: form.has('allowUnidentifiedBuyers'),
  }
}

/** The form as a customer patch, for the domain's schema to judge (numbers as numbers, the profile as JSON or a preset name). */
function patchOf(v: CustomerFormValues): Record<string, unknown> {
  return {
    name: v.name, tier: v.tier, slaTier: Number(v.slaTier), retentionDays: Number(v.retentionDays),
    identityProfile: profileValue(v.identityProfile), cartTransport: v.cartTransport,
    provisioning: {
      autoCreateUsers: v.autoCreateUsers, updateProfiles: v.updateProfiles, unknownRoles: v.unknownRoles,
      defaultRole: v.defaultRole, matchByEmail: v.matchByEmail, allowUnidentifiedBuyers: v.allowUnidentifiedBuyers,
    },
  }
}

function profileValue(text: string): unknown {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') && !trimmed.startsWith('"')) return trimmed
  try {
    return JSON.parse(trimmed)
  } catch {
    throw new PunchgateError('PG_ERR_API_VALIDATION', 'Please correct: identityProfile is not valid JSON.')
  }
}
