import { randomUUID } from 'node:crypto'
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose'
import type { TestApp } from '../../helpers/app.ts'
import { PUBLIC_URL } from '../../helpers/app.ts'
import { adminHeaders, addCredential, createCustomer, cxmlAnswer, fixture, postCxml } from '../../helpers/fixtures.ts'
import {
  AuditEntry, BuyerUser, CustomerRole, PunchoutSession, SessionEvent,
} from '../../../src/persistence/entities/index.ts'
import { sha256 } from '../../../src/domain/security/secrets.ts'

/** Shared by the provisioning, assertion and admin-API tests of issue 4. */

export const SECRET = 's3cret-shared'
export const AUDIENCE = 'punchgate-storefront'

export interface Buyer {
  customer: { id: string; slug: string; name: string }
  /** The From credential to put in setupRequest({ from }). */
  from: Array<[string, string]>
}

/** A customer with its own cXML credential, so cases in one app never see each other's users. */
export async function buyerCustomer(app: TestApp, body: Record<string, unknown> = {}): Promise<Buyer> {
  const customer = await createCustomer(app.app, body)
  const identity = `AN-${randomUUID()}`
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity, sharedSecret: SECRET })
  return { customer, from: [['NetworkID', identity]] }
}

/** A setup request from the corpus and the customer configuration it needs. */
export interface CorpusSample {
  file: string
  preset: string
  /** The file's From credential and SharedSecret. */
  domain: string
  identity: string
  secret: string
  /** The BrowserFormPost host. */
  returnHost: string
  /** The user the preset extracts (see identity-profiles.test.ts). */
  user: Record<string, unknown>
}

export const CORPUS: CorpusSample[] = [
  {
    file: 'coupa-setup-create-extrinsics-rubytime-timestamp.xml', preset: 'coupa',
    domain: 'DUNS', identity: 'coupa-t', secret: 'test', returnHost: 'qa.coupahost.com',
    user: {
      uniqueName: 'jim', email: 'noah+jim@coupa.com', displayName: 'Jim Halpert', firstName: 'Jim', lastName: 'Halpert',
      businessUnit: 'COUPA', locale: 'en-US', phone: null, shipToId: null,
    },
  },
  {
    file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml', preset: 'generic',
    domain: 'NetworkId', identity: '080230982', secret: '805422672', returnHost: 'localhost:3000',
    user: {
      uniqueName: 'jdoe12345', email: 'info@equallevel.com', displayName: 'Erik Florida', firstName: 'Erik', lastName: 'Florida',
      phone: '555-555-5555', shipToId: 'TEST', locale: 'en', businessUnit: null,
    },
  },
  {
    file: 'generic-setup-edit-shape-selecteditem-itemout.xml', preset: 'generic',
    domain: 'NetworkId', identity: 'inbound@prominate-platform.com', secret: 's3cr3t', returnHost: 'prominate-platform.com',
    // No login extrinsic: the unique name falls back to the email.
    user: { uniqueName: 'john-doe@domain.com', email: 'john-doe@domain.com', displayName: null, firstName: null, locale: 'en-US' },
  },
]

/** A customer configured for a corpus sample: its preset, allow-list and From credential. */
export async function corpusCustomer(app: TestApp, sample: CorpusSample, body: Record<string, unknown> = {}) {
  const customer = await createCustomer(app.app, { identityProfile: sample.preset, returnUrlHosts: [sample.returnHost], ...body })
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: sample.domain, identity: sample.identity, sharedSecret: sample.secret })
  return customer
}

export const corpusBody = (sample: CorpusSample) => fixture(`cxml/${sample.file}`)

/** Posts a setup request; returns the cXML Status, its texts and the StartPage URL. */
export async function punchout(app: TestApp, body: string | Buffer) {
  const res = await postCxml(app.app, body)
  return { httpStatus: res.statusCode, ...cxmlAnswer(res.body), body: res.body }
}

/** Opens a StartPage link as the buyer's browser would; the assertion comes back in the redirect. */
export async function openStartPage(app: TestApp, startPage: string) {
  const url = new URL(startPage)
  const res = await app.app.inject({ method: 'GET', url: url.pathname })
  const location = res.headers.location as string | undefined
  const assertion = location ? new URL(location).searchParams.get('assertion') ?? undefined : undefined
  return { status: res.statusCode, location, assertion, body: res.body, contentType: String(res.headers['content-type'] ?? '') }
}

/** Setup + start in one step, for cases that must succeed. */
export async function assertionFor(app: TestApp, body: string | Buffer): Promise<string> {
  const answer = await punchout(app, body)
  if (answer.code !== 200 || !answer.startPage) throw new Error(`setup refused: ${answer.code} ${answer.detail}`)
  const started = await openStartPage(app, answer.startPage)
  if (!started.assertion) throw new Error(`start refused: ${started.status} ${started.body.slice(0, 200)}`)
  return started.assertion
}

export async function jwks(app: TestApp): Promise<JSONWebKeySet> {
  const res = await app.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  if (res.statusCode !== 200) throw new Error(`jwks: ${res.statusCode}`)
  return res.json() as JSONWebKeySet
}

/** What an external storefront does: published JWKS, pinned issuer, audience and algorithm. */
export async function verifyLikeStorefront(app: TestApp, token: string, audience = AUDIENCE) {
  return jwtVerify<JWTPayload & Record<string, unknown>>(token, createLocalJWKSet(await jwks(app)), {
    issuer: PUBLIC_URL, audience, algorithms: ['ES256'], currentDate: app.clock.now,
  })
}

/** The gateway's own consumer of assertions: the built-in storefront's login. */
export const shopLogin = (app: TestApp, token: string) =>
  app.app.inject({ method: 'GET', url: `/shop/login?assertion=${encodeURIComponent(token)}` })

// ---------------------------------------------------------------------------------------------
// Reading what changed

const fork = (app: TestApp) => app.db.orm.em.fork()

export const usersOf = (app: TestApp, customerId: string) =>
  fork(app).find(BuyerUser, { customerId }, { orderBy: { createdAt: 'asc', id: 'asc' } })

export const rolesOf = (app: TestApp, customerId: string) =>
  fork(app).find(CustomerRole, { customerId }, { orderBy: { nameKey: 'asc' } })

export const sessionForStartPage = (app: TestApp, startPage: string) =>
  fork(app).findOneOrFail(PunchoutSession, { startTokenHash: sha256(new URL(startPage).pathname.split('/').pop()!) })

export const sessionForPayload = (app: TestApp, payloadId: string) => fork(app).findOneOrFail(PunchoutSession, { payloadId })

export async function timeline(app: TestApp, sessionId: string) {
  const events = await fork(app).find(SessionEvent, { sessionId }, { orderBy: { id: 'asc' } })
  return events.map((e) => ({ type: e.type, data: e.data }))
}

export const auditOf = (app: TestApp, where: { targetType: string; targetId: string }) =>
  fork(app).find(AuditEntry, where, { orderBy: { id: 'asc' } })

export const api = (app: TestApp, method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = adminHeaders) =>
  app.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) })

let counter = 0
/** A unique payloadID, so a refused request's failed session can be found again. */
export const payloadId = (label: string) => `${label}-${++counter}-${randomUUID()}@buyer.example.com`
