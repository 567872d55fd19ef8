import type { FastifyInstance } from 'fastify'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { seedProducts } from '../../src/cli/demo.ts'
import { STOREFRONT_TOKEN } from './app.ts'
import { cxmlAnswer, postCxml, setupRequest, type SetupOptions } from './fixtures.ts'

/** Runs a setup request and follows the start link: a started session, ready for a cart. */
export async function startedSession(app: FastifyInstance, options: SetupOptions = {}) {
  const res = await postCxml(app, setupRequest(options))
  const answer = cxmlAnswer(res.body)
  if (answer.code !== 200) throw new Error(`setup failed: ${res.body}`)
  const start = await app.inject({ method: 'GET', url: new URL(answer.startPage!).pathname })
  const location = new URL(start.headers.location as string)
  const assertion = location.searchParams.get('assertion')!
  const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8'))
  return { sid: claims.sid as string, assertion, claims, loginPath: `${location.pathname}${location.search}` }
}

export const storefrontHeaders = { authorization: `Bearer ${STOREFRONT_TOKEN}` }

export const returnCart = (app: FastifyInstance, sid: string, items: unknown[], accept?: string) =>
  app.inject({
    method: 'POST', url: `/punchout/sessions/${sid}/cart`,
    headers: { ...storefrontHeaders, ...(accept ? { accept } : {}) },
    payload: { items },
  })

/** The demo catalog, for storefront tests. */
export const seedCatalog = (em: SqlEntityManager): Promise<void> => seedProducts(em)
