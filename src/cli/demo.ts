import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { randomUUID } from 'node:crypto'
import { customerInputSchema } from '../../schemas/api/customers.ts'
import type { Actor } from '../domain/audit/audit.ts'
import { addCredential, createCustomer } from '../domain/customers/manage.ts'
import type { Deps } from '../domain/deps.ts'
import { ContractPrice, Credential, Customer } from '../persistence/entities/index.ts'
import { DEMO_PRODUCTS } from './demo-products.ts'

export interface DemoCustomer {
  customer: Customer
  cxml: { domain: string; identity: string; sharedSecret: string }
  oci: { username: string; password: string }
}

/** The generic preset, also reading the SAP fields, so the demo's cXML and OCI punchouts both identify the buyer. */
const DEMO_PROFILE = {
  preset: 'generic',
  fields: {
    email: ['extrinsic:UserEmail', 'contact:*/email', 'oci:USER_EMAIL'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:UniqueUsername', 'extrinsic:UserId', 'extrinsic:User', 'oci:SY-UNAME', 'derived:email'],
    displayName: ['extrinsic:UserPrintableName', 'extrinsic:UserFullName', 'oci:USER_NAME', 'derived:firstName+lastName', 'contact:*/name'],
    roles: ['extrinsic:Role', 'extrinsic:Roles', 'oci:ROLE', 'oci:ROLES'],
    locale: ['header:lang', 'oci:SY-LANGU'],
  },
}

const ACTOR: Actor = { name: 'demo-seed', role: 'admin', customerIds: null }
const CXML = { domain: 'NetworkID', identity: 'AN01000000001' }
const OCI_USERNAME = 'demo-oci'

/**
 * The demo: products, a customer "Acme Corp (demo)" with a cXML and an OCI credential and a
 * return-URL allow-list pointing at the built-in demo procurement page. Idempotent: a restart
 * keeps the customer and re-issues its demo secrets (printed, since only hashes are stored).
 */
export async function seedDemo(deps: Deps, em: SqlEntityManager): Promise<DemoCustomer> {
  await seedProducts(em)
  const host = new URL(deps.config.publicUrl).host
  let customer = await em.findOne(Customer, { slug: 'acme-demo' })
  customer ??= await createCustomer(em, deps.sealer, ACTOR, customerInputSchema.parse({
    name: 'Acme Corp (demo)', slug: 'acme-demo', tier: 'gold', identityProfile: DEMO_PROFILE, returnUrlHosts: [host],
  }), deps.now())
  await seedContractPrices(em, customer.id)
  const sharedSecret = `demo-${randomUUID().slice(0, 8)}`
  const password = `demo-${randomUUID().slice(0, 8)}`
  await em.nativeUpdate(Credential, { customerId: customer.id, revokedAt: null }, { revokedAt: deps.now() })
  await addCredential(em, deps.hasher, ACTOR, customer.id, { protocol: 'cxml', ...CXML, sharedSecret }, deps.now())
  await addCredential(em, deps.hasher, ACTOR, customer.id, { protocol: 'oci', username: OCI_USERNAME, password }, deps.now())
  return { customer, cxml: { ...CXML, sharedSecret }, oci: { username: OCI_USERNAME, password } }
}

export async function seedProducts(em: SqlEntityManager): Promise<void> {
  for (const p of DEMO_PRODUCTS) {
    await em.execute(
      `insert into products (sku, name, description, list_price, currency, unit_of_measure, unspsc, manufacturer_name, manufacturer_part_id, lead_time_days)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (sku) do nothing`,
      [p.sku, p.name, p.description, p.listPrice, p.currency, p.unitOfMeasure, p.unspsc, p.manufacturerName, p.manufacturerPartId, p.leadTimeDays],
    )
  }
}

async function seedContractPrices(em: SqlEntityManager, customerId: string): Promise<void> {
  for (const p of DEMO_PRODUCTS.filter((d) => d.contractPrice)) {
    const exists = await em.count(ContractPrice, { customerId, sku: p.sku })
    if (!exists) em.create(ContractPrice, { id: randomUUID(), customerId, sku: p.sku, unitPrice: p.contractPrice!, currency: p.currency })
  }
  await em.flush()
}

