import type { FastifyInstance } from 'fastify'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml, setupRequest, type SetupOptions } from '../helpers/fixtures.ts'

/** What a test agent signs in with. */
export const PASSWORD = 'correct horse battery staple'

export interface TestAgent {
  id: string
  email: string
  password: string
}

/** Creates an agent account through the admin API, as an admin would. */
export async function createAgent(
  app: FastifyInstance,
  o: { role: 'admin' | 'support' | 'auditor'; customerIds?: string[]; name?: string; email?: string },
): Promise<TestAgent> {
  const email = o.email ?? `${o.role}-${Math.random().toString(36).slice(2, 8)}@supplier.example`
  const res = await app.inject({
    method: 'POST', url: '/api/agents', headers: adminHeaders,
    payload: { email, name: o.name ?? `Test ${o.role}`, role: o.role, password: PASSWORD, ...(o.customerIds ? { customerIds: o.customerIds } : {}) },
  })
  if (res.statusCode !== 201) throw new Error(`createAgent: ${res.statusCode} ${res.body}`)
  return { id: (res.json() as { id: string }).id, email, password: PASSWORD }
}

type Injected = Awaited<ReturnType<FastifyInstance['inject']>>

/**
 * A browser as far as the console cares: a cookie jar, and forms sent with the CSRF token of the
 * page they are on. Requests go through app.inject, so they reach the real routes and hooks.
 */
export class ConsoleBrowser {
  readonly cookies = new Map<string, string>()
  /** The CSRF token of the last page that had a form. */
  csrf = ''

  constructor(private readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<Injected> {
    const res = await this.app.inject({ method: 'GET', url, headers: { ...this.cookieHeader(), ...headers } })
    this.remember(res)
    return res
  }

  /** Posts a form; `_csrf` is the page's token unless the fields say otherwise (null: none at all). */
  async post(url: string, fields: Record<string, string | string[] | null>, headers: Record<string, string> = {}): Promise<Injected> {
    const form = new URLSearchParams()
    const all = { _csrf: this.csrf, ...fields }
    for (const [name, value] of Object.entries(all)) {
      if (value === null) continue
      for (const v of Array.isArray(value) ? value : [value]) form.append(name, v)
    }
    const res = await this.app.inject({
      method: 'POST', url, payload: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.cookieHeader(), ...headers },
    })
    this.remember(res)
    return res
  }

  /** Signs in through the form; the response of the form post. */
  async signIn(email: string, password: string): Promise<Injected> {
    await this.get('/console/sign-in')
    return this.post('/console/sign-in', { email, password })
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}
  }

  private remember(res: Injected): void {
    const set = res.headers['set-cookie']
    for (const line of set === undefined ? [] : Array.isArray(set) ? set : [set]) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair!.indexOf('=')
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()]
      if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const token = /name="_csrf" value="([^"]*)"/.exec(res.body)?.[1]
    if (token) this.csrf = token
  }
}

/** A signed-in browser for a new agent of `role`. */
export async function signedIn(app: FastifyInstance, role: 'admin' | 'support' | 'auditor', customerIds?: string[]) {
  const agent = await createAgent(app, { role, ...(customerIds ? { customerIds } : {}) })
  const browser = new ConsoleBrowser(app)
  const res = await browser.signIn(agent.email, agent.password)
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode} ${res.body.slice(0, 300)}`)
  await browser.get('/console')
  return { agent, browser }
}

/** A customer (created through the API) with a cXML credential of its own; setups use `identity`. */
export async function customerWithCredential(app: FastifyInstance, body: Record<string, unknown> = {}) {
  const customer = await createCustomer(app, body)
  const identity = `AN-${Math.random().toString(36).slice(2, 10).toUpperCase()}`
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity, sharedSecret: 's3cret-shared' })
  return { ...customer, identity }
}

/** A cXML setup request from the customer that owns `identity`. */
export const setupFrom = (app: FastifyInstance, identity: string, o: SetupOptions = {}) =>
  postCxml(app, setupRequest({ from: [['NetworkID', identity]], ...o }))

/** A buyer who sends `role`, a role the supplier has never seen. */
export const buyerWithRole = (role: string, name = 'jane'): SetupOptions => ({
  extrinsics: [['UserEmail', `${name}@buyer.example.com`], ['UniqueName', name], ['Role', role]],
})

/** Awaits a setup request that must succeed (fixtures are not assertions: a failure stops the file). */
export async function setUp(request: Promise<Injected>): Promise<Injected> {
  const res = await request
  if (cxmlAnswer(res.body).code !== 200) throw new Error(`setup failed: ${res.body}`)
  return res
}
