import { gunzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { fixture } from '../helpers/fixtures.ts'
import { addCredential, createCustomer } from '../helpers/fixtures.ts'

/** The credentials the hostile fixtures carry (fixtures/hostile/README.md). */
export const HOSTILE_CXML = { identity: 'AN-HOSTILE-1', secret: 'hostile-SECRET-7f3a9c' }
export const HOSTILE_OCI = { username: 'HOSTILE-OCI', password: 'hostile-oci-pw-1' }

/** A fixture of fixtures/hostile/, gunzipped when it is stored compressed. */
export function hostile(name: string): Buffer {
  const raw = fixture(`hostile/${name}`)
  return name.endsWith('.gz') ? gunzipSync(raw) : raw
}

/** The customer the hostile fixtures authenticate as: cXML and OCI credentials, buyer.example.com allowed. */
export async function hostileCustomer(app: FastifyInstance): Promise<{ id: string }> {
  const customer = await createCustomer(app, { returnUrlHosts: ['buyer.example.com', 'srm.buyer.example.com'] })
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: HOSTILE_CXML.identity, sharedSecret: HOSTILE_CXML.secret })
  await addCredential(app, customer.id, { protocol: 'oci', username: HOSTILE_OCI.username, password: HOSTILE_OCI.password })
  return customer
}
