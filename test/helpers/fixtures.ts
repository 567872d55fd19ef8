import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { ADMIN_TOKEN } from './app.ts'

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures')
export const fixture = (name: string): Buffer => readFileSync(path.join(FIXTURES, name))

export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** Creates a customer through the admin API, as an admin would. */
export async function createCustomer(app: FastifyInstance, body: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST', url: '/api/customers', headers: adminHeaders,
    payload: { name: 'Acme Corp', slug: `acme-${Math.random().toString(36).slice(2, 8)}`, returnUrlHosts: ['buyer.example.com'], ...body },
  })
  if (res.statusCode !== 201) throw new Error(`createCustomer: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; slug: string; name: string }
}

export async function addCredential(app: FastifyInstance, customerId: string, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: `/api/customers/${customerId}/credentials`, headers: adminHeaders, payload: body })
  if (res.statusCode !== 201) throw new Error(`addCredential: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string }
}

export interface SetupOptions {
  payloadID?: string
  operation?: string
  from?: Array<[string, string]>
  sender?: [string, string]
  secret?: string | null
  buyerCookie?: string
  extrinsics?: Array<[string, string]>
  contact?: { role?: string; name?: string; email?: string }
  browserFormPost?: string | null
  itemOut?: string
  deploymentMode?: 'test' | 'production'
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')

/** A PunchOutSetupRequest in DTD order, for synthetic cases the corpus does not cover. */
export function setupRequest(o: SetupOptions = {}): string {
  const from = o.from ?? [['NetworkID', 'AN-BUYER-1']]
  const sender = o.sender ?? from[0]!
  const secret = o.secret === undefined ? 's3cret-shared' : o.secret
  const cred = ([d, i]: [string, string], extra = '') => `<Credential domain="${esc(d)}"><Identity>${esc(i)}</Identity>${extra}</Credential>`
  const extrinsics = (o.extrinsics ?? [['UserEmail', 'jane@buyer.example.com'], ['UniqueName', 'jane']])
    .map(([n, v]) => `<Extrinsic name="${esc(n)}">${esc(v)}</Extrinsic>`).join('')
  const contact = o.contact
    ? `<Contact${o.contact.role ? ` role="${o.contact.role}"` : ''}>${o.contact.name ? `<Name xml:lang="en">${esc(o.contact.name)}</Name>` : ''}${o.contact.email ? `<Email>${esc(o.contact.email)}</Email>` : ''}</Contact>`
    : ''
  const bfp = o.browserFormPost === null ? '' : `<BrowserFormPost><URL>${esc(o.browserFormPost ?? 'https://buyer.example.com/punchout/return?x=1&y=2')}</URL></BrowserFormPost>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="${esc(o.payloadID ?? `${Date.now()}.${Math.random()}@buyer.example.com`)}" timestamp="2026-11-23T10:00:00-05:00" xml:lang="en-US">
<Header><From>${from.map((c) => cred(c)).join('')}</From><To>${cred(['DUNS', '123456789'])}</To>
<Sender>${cred(sender, secret === null ? '' : `<SharedSecret>${esc(secret)}</SharedSecret>`)}<UserAgent>Test Procurement 1.0</UserAgent></Sender></Header>
<Request deploymentMode="${o.deploymentMode ?? 'production'}"><PunchOutSetupRequest operation="${o.operation ?? 'create'}">
<BuyerCookie>${esc(o.buyerCookie ?? 'cookie-123')}</BuyerCookie>${extrinsics}${bfp}${contact}${o.itemOut ?? ''}
</PunchOutSetupRequest></Request></cXML>`
}

export const postCxml = (app: FastifyInstance, body: string | Buffer, contentType = 'text/xml; charset=utf-8') =>
  app.inject({ method: 'POST', url: '/punchout/cxml', headers: { 'content-type': contentType }, payload: body })

/** The Status code and the StartPage URL of a cXML answer. */
export function cxmlAnswer(body: string): { code: number; text: string; detail: string; startPage?: string } {
  const status = /<Status code="(\d+)" text="([^"]*)"(?:\/>|>([\s\S]*?)<\/Status>)/.exec(body)
  if (!status) throw new Error(`not a cXML Response: ${body.slice(0, 300)}`)
  const url = /<StartPage>\s*<URL>([^<]+)<\/URL>/.exec(body)?.[1]
  return { code: Number(status[1]), text: status[2]!, detail: status[3] ?? '', ...(url ? { startPage: url } : {}) }
}
