/**
 * Shared setup for the OCI route tests: a customer on the `sap-oci` identity profile whose OCI
 * credential is the one in the real Caterpillar SIS login URL (fixtures/oci), the demo catalog
 * with contract prices, and helpers to log in and follow the start link into the storefront.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { seedProducts } from '../../../src/cli/demo.ts'
import { DEMO_PRODUCTS } from '../../../src/cli/demo-products.ts'
import { ContractPrice } from '../../../src/persistence/entities/index.ts'
import { STOREFRONT_TOKEN, buildTestApp, type TestApp, type TestLike } from '../../helpers/app.ts'
import { addCredential, createCustomer, fixture } from '../../helpers/fixtures.ts'

export { enterShop } from '../../helpers/shop.ts'

/** The real login URL: USERNAME/PASSWORD placeholders, ~OkCode/~TARGET/~CALLER, no HOOK_URL. */
export const CATERPILLAR_URL = new URL(fixture('oci/caterpillar-sis-oci-login-url-okcode-target-caller.txt').toString('utf8').trim())
export const OCI_USERNAME = CATERPILLAR_URL.searchParams.get('USERNAME')!
export const OCI_PASSWORD = CATERPILLAR_URL.searchParams.get('PASSWORD')!

/** An SRM hook with its own query string (docs/oci.md, "Buyer-system quirks": post to it unchanged). */
export const HOOK_URL = 'https://srm.buyer.example.com/sap/bc/bsp/sap/bbp_oci_hook?sap-client=100&~caller=CTLG'

/** The person, in the customer-defined login fields the `sap-oci` preset reads. */
export const PERSON = {
  'SY-UNAME': 'MUELLER', USER_EMAIL: 'Hans.Mueller@buyer.example.com', USER_NAME: 'Hans Müller', ROLES: 'buyer, approver', 'SY-LANGU': 'DE',
}

export const FORM = 'application/x-www-form-urlencoded'

export interface OciTestApp extends TestApp {
  customer: { id: string; slug: string }
}

export async function ociTestApp(t: TestLike, customer: Record<string, unknown> = {}): Promise<OciTestApp> {
  const built = await buildTestApp(t)
  await seedProducts(built.db.orm.em.fork())
  const created = await createCustomer(built.app, { identityProfile: 'sap-oci', returnUrlHosts: ['srm.buyer.example.com'], ...customer })
  await addCredential(built.app, created.id, { protocol: 'oci', username: OCI_USERNAME, password: OCI_PASSWORD })
  const em = built.db.orm.em.fork()
  for (const p of DEMO_PRODUCTS.filter((d) => d.contractPrice)) {
    em.create(ContractPrice, { id: randomUUID(), customerId: created.id, sku: p.sku, unitPrice: p.contractPrice!, currency: p.currency })
  }
  await em.flush()
  return { ...built, customer: created }
}

/** The Caterpillar login call's parameters, completed with HOOK_URL, the person and `extra`. */
export function loginParams(extra: Record<string, string> = {}, person: Record<string, string> = PERSON): URLSearchParams {
  const params = new URLSearchParams(CATERPILLAR_URL.search)
  params.set('HOOK_URL', HOOK_URL)
  for (const [k, v] of Object.entries({ ...person, ...extra })) params.set(k, v)
  return params
}

export const ociGet = (app: FastifyInstance, params: URLSearchParams) => app.inject({ method: 'GET', url: `/punchout/oci?${params}` })

export const ociPost = (app: FastifyInstance, body: string | Buffer, contentType = FORM) =>
  app.inject({ method: 'POST', url: '/punchout/oci', headers: { 'content-type': contentType }, payload: body })

export const decodeJwt = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'))

/** Follows a login's 303 through the one-time start link to the storefront login (302 with the assertion). */
export async function followStart(app: FastifyInstance, location: string) {
  const start = await app.inject({ method: 'GET', url: new URL(location).pathname })
  if (start.statusCode !== 302) throw new Error(`start link: ${start.statusCode} ${start.body}`)
  const shopLogin = new URL(start.headers.location as string)
  const assertion = shopLogin.searchParams.get('assertion')!
  return { shopLogin, claims: decodeJwt(assertion), loginPath: `${shopLogin.pathname}${shopLogin.search}` }
}

/** A session, started by a plain OCI login, ready for a cart (customer options decide the format). */
export async function startedOciSession(app: FastifyInstance, extra: Record<string, string> = {}) {
  const res = await ociGet(app, loginParams(extra))
  if (res.statusCode !== 303) throw new Error(`oci login: ${res.statusCode} ${res.body}`)
  const { claims } = await followStart(app, res.headers.location as string)
  return claims.sid as string
}

export const returnCart = (app: FastifyInstance, sid: string, items: unknown[]) =>
  app.inject({ method: 'POST', url: `/punchout/sessions/${sid}/cart`, headers: { authorization: `Bearer ${STOREFRONT_TOKEN}` }, payload: { items } })
