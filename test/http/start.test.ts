import t from 'tap'
import { JournalEntry, PunchoutSession, SessionEvent } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'

const decodeJwt = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'))

t.test('the one-time start link', async (t) => {
  const { app, db, clock } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const em = () => db.orm.em.fork()
  const newStartPath = async (payloadID = `${Math.random()}@buyer`) => {
    const res = await postCxml(app, setupRequest({ payloadID }))
    return new URL(cxmlAnswer(res.body).startPage!).pathname
  }

  t.test('redirects to the storefront login with a signed assertion (sub, email, name, customer, roles, sid, op, jti, exp ≤ 120 s)', async (t) => {
    const path = await newStartPath('start-ok@buyer')
    const res = await app.inject({ method: 'GET', url: path })
    t.equal(res.statusCode, 302)
    t.equal(res.headers['cache-control'], 'no-store')
    const location = new URL(res.headers.location as string)
    t.equal(`${location.origin}${location.pathname}`, 'https://gateway.test/shop/login')
    const header = JSON.parse(Buffer.from(location.searchParams.get('assertion')!.split('.')[0]!, 'base64url').toString())
    t.equal(header.alg, 'ES256')
    t.ok(header.kid)
    const claims = decodeJwt(location.searchParams.get('assertion')!)
    const session = await em().findOneOrFail(PunchoutSession, { payloadId: 'start-ok@buyer' })
    t.match(claims, {
      iss: 'https://gateway.test', aud: 'punchgate-storefront', sub: session.userId, email: 'jane@buyer.example.com',
      customer: customer.slug, roles: ['buyer'], sid: session.id, op: 'create',
    })
    t.type(claims.jti, 'string')
    t.ok(claims.exp - claims.iat <= 120 && claims.exp > claims.iat)
    t.equal(session.status, 'started')
  })

  t.test('B6 start-token-reuse: a second use is refused with a page, journaled, and flags the session', async (t) => {
    const path = await newStartPath('start-twice@buyer')
    t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 302)
    const again = await app.inject({ method: 'GET', url: path })
    t.equal(again.statusCode, 410)
    t.match(again.headers['content-type'], /^text\/html/)
    t.match(again.body, /already used/)
    t.notMatch(again.body, /assertion=|at \w+ \(/)
    const session = await em().findOneOrFail(PunchoutSession, { payloadId: 'start-twice@buyer' })
    t.ok(session.flags.includes('start-link-reused'))
    const journal = await em().find(JournalEntry, { sessionId: session.id, channel: 'start' }, { orderBy: { id: 'asc' } })
    t.same(journal.map((j) => [j.httpStatus, j.errorCode ?? null]), [[302, null], [410, 'PG_ERR_START_TOKEN_USED']])
    t.notMatch(journal[0]!.path, new RegExp(path.split('/').pop()!))
  })

  t.test('a HEAD request does not spend the link', async (t) => {
    const path = await newStartPath()
    t.equal((await app.inject({ method: 'HEAD', url: path })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 302)
  })

  t.test('concurrent uses: exactly one succeeds', async (t) => {
    const path = await newStartPath()
    const results = await Promise.all(Array.from({ length: 8 }, () => app.inject({ method: 'GET', url: path })))
    t.equal(results.filter((r) => r.statusCode === 302).length, 1)
    t.equal(results.filter((r) => r.statusCode === 410).length, 7)
  })

  t.test('B7 start-token-expired: after 5 minutes the link has expired', async (t) => {
    const path = await newStartPath('start-late@buyer')
    clock.advance(301)
    const res = await app.inject({ method: 'GET', url: path })
    t.equal(res.statusCode, 410)
    t.match(res.body, /expired/)
    const session = await em().findOneOrFail(PunchoutSession, { payloadId: 'start-late@buyer' })
    t.equal(session.status, 'expired')
    t.equal(await em().count(SessionEvent, { sessionId: session.id, type: 'start.refused_expired' }), 1)
  })

  t.test('B8 start-token-forged: a forged token gets a clear page', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/punchout/start/forged-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })
    t.equal(res.statusCode, 404)
    t.match(res.body, /not valid/)
    t.match(res.body, /Reference for support/)
    const entry = await em().findOneOrFail(JournalEntry, { channel: 'start', errorCode: 'PG_ERR_START_TOKEN_UNKNOWN' })
    t.equal(entry.httpStatus, 404)
  })

  t.test('the JWKS publishes the signing key', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    const { keys } = res.json() as { keys: Array<Record<string, string>> }
    t.equal(keys.length, 1)
    t.match(keys[0], { kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    t.notOk('d' in keys[0]!, 'no private part')
  })
})
