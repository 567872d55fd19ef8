import t from 'tap'
import { STOREFRONT_TOKEN, buildTestApp } from '../../helpers/app.ts'
import { postCxml, setupRequest } from '../../helpers/fixtures.ts'
import { FORMULA_COOKIE, SHARED_SECRET, get, query, seedJournal } from './sessions-fixture.ts'

interface Summary {
  id: string
  customer: { id: string; slug: string; name: string }
  user: { id: string; email: string | null; name: string | null } | null
  status: string
  failure: { code: string; text: string | null } | null
  protocol: string
  operation: string
  payloadId: string | null
  buyerCookie: string | null
  createdAt: string
  startedAt: string | null
}

t.test('GET /api/sessions and /api/sessions/:id', async (t) => {
  const app = await buildTestApp(t)
  const seed = await seedJournal(app)
  const list = async (params: Record<string, string | number | undefined> = {}) => {
    const res = await get(app, `/api/sessions?${query({ limit: 200, ...params })}`)
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`)
    return res.body as { items: Summary[]; nextCursor: string | null }
  }
  const all = (await list()).items
  const byPayload = (payloadId: string) => all.find((s) => s.payloadId === payloadId)!
  const cookies = (items: Summary[]) => items.map((s) => s.buyerCookie)

  t.test('lists every session newest first, with its customer, buyer and state', async (t) => {
    t.equal(all.length, 11, 'ten cXML setups (one refused) and an OCI login; the bad secret and the malformed document made none')
    const times = all.map((s) => s.createdAt)
    t.same(times, [...times].sort().reverse(), 'newest first')
    t.match(byPayload(seed.payloadIds.jane), {
      customer: { id: seed.acme.id, slug: seed.acme.slug, name: 'Acme Corp' },
      user: { email: 'jane.doe@buyer.example.com', name: 'Jane Doe' },
      status: 'provisioned', failure: null, protocol: 'cxml', operation: 'create', buyerCookie: 'cookie-jane-1',
      createdAt: seed.start.toISOString(), startedAt: null, cartReturnedAt: null,
    })
    t.match(byPayload(seed.payloadIds.janeAgain), { status: 'started', startedAt: String })
    t.match(byPayload(seed.payloadIds.refused), {
      status: 'failed', user: null,
      failure: { code: 'PG_ERR_RETURN_URL_REFUSED', text: /evil\.example\.net is not on the customer's allow-list/ },
    })
  })

  t.test('filters by customer, by id or by slug', async (t) => {
    const byId = await list({ customer: seed.globex.id })
    t.same(byId.items.map((s) => s.payloadId), [seed.payloadIds.bob])
    const bySlug = await list({ customer: seed.acme.slug })
    t.equal(bySlug.items.length, 9)
    t.ok(bySlug.items.every((s) => s.customer.id === seed.acme.id))
    t.same((await list({ customer: 'no-such-customer' })).items, [], 'an unknown customer matches nothing')
  })

  t.test('filters by user', async (t) => {
    const jane = byPayload(seed.payloadIds.jane).user!
    t.same((await list({ user: jane.id })).items.map((s) => s.payloadId), [seed.payloadIds.janeAgain, seed.payloadIds.jane])
  })

  t.test('filters by status and by failure code', async (t) => {
    t.same((await list({ status: 'failed' })).items.map((s) => s.payloadId), [seed.payloadIds.refused])
    t.same((await list({ status: 'started' })).items.map((s) => s.payloadId), [seed.payloadIds.janeAgain])
    t.same((await list({ failureCode: 'PG_ERR_RETURN_URL_REFUSED' })).items.map((s) => s.payloadId), [seed.payloadIds.refused])
    t.same((await list({ failureCode: 'PG_ERR_USER_DISABLED' })).items, [])
  })

  t.test('filters by protocol and by operation', async (t) => {
    const oci = await list({ protocol: 'oci' })
    t.same(oci.items.map((s) => s.customer.id), [seed.initech.id])
    t.equal((await list({ protocol: 'cxml' })).items.length, 10)
    t.same((await list({ operation: 'edit' })).items.map((s) => s.payloadId), [seed.payloadIds.hans])
  })

  t.test('filters by time: from is inclusive, to exclusive', async (t) => {
    const at = (minutes: number) => new Date(seed.start.getTime() + minutes * 60_000).toISOString()
    const window = await list({ from: at(1), to: at(3) })
    t.same(window.items.map((s) => s.payloadId), [seed.payloadIds.refused, seed.payloadIds.hans])
    t.same((await list({ to: at(0) })).items, [], 'nothing before the first setup')
    t.equal((await list({ from: at(5) })).items.length, 6, 'the five tied setups and the OCI login')
    t.same((await list({ from: '2026-11-23T11:01:00+01:00', to: at(2) })).items.map((s) => s.payloadId), [seed.payloadIds.hans], 'offsets are honoured')
  })

  t.test('filters by exact payloadID and exact BuyerCookie', async (t) => {
    t.same((await list({ payloadId: seed.payloadIds.hans })).items.map((s) => s.buyerCookie), ['cookie-hans-1'])
    t.same((await list({ payloadId: seed.payloadIds.hans.slice(0, -1) })).items, [], 'exact, not a prefix')
    t.same((await list({ buyerCookie: FORMULA_COOKIE })).items.map((s) => s.payloadId), [seed.payloadIds.bob])
    t.same((await list({ buyerCookie: 'COOKIE-JANE-1' })).items, [], 'exact, case included')
  })

  t.test('q finds buyers by the start of their email, unique name, display name or last name, ignoring case', async (t) => {
    const janes = [seed.payloadIds.janeAgain, seed.payloadIds.jane]
    t.same((await list({ q: 'jane' })).items.map((s) => s.payloadId), janes, 'display name')
    t.same((await list({ q: 'JANE.DOE@BUYER' })).items.map((s) => s.payloadId), janes, 'email, any case')
    t.same((await list({ q: 'jdo' })).items.map((s) => s.payloadId), janes, 'unique name')
    t.same((await list({ q: 'Doe' })).items.map((s) => s.payloadId), janes, 'last name')
    t.same((await list({ q: 'hans' })).items.map((s) => s.customer.slug), [seed.initech.slug, seed.acme.slug], 'every customer')
    t.same((await list({ q: 'ane' })).items, [], 'the start of a text, not any substring')
    t.same((await list({ q: 'tie_' })).items, [], '_ and % are characters, not wildcards')
    t.same((await list({ q: '%' })).items, [])
  })

  t.test('filters combine', async (t) => {
    t.same(cookies((await list({ customer: seed.acme.slug, q: 'tie', from: new Date(seed.start.getTime() + 5 * 60_000).toISOString() })).items).sort(),
      ['cookie-tie-1', 'cookie-tie-2', 'cookie-tie-3', 'cookie-tie-4', 'cookie-tie-5'])
    t.same((await list({ customer: seed.globex.slug, q: 'jane' })).items, [])
    t.same((await list({ customer: seed.acme.id, status: 'provisioned', operation: 'edit', protocol: 'cxml' })).items.map((s) => s.payloadId), [seed.payloadIds.hans])
  })

  t.test('pages with a cursor: no duplicates, no gaps, ties broken by id', async (t) => {
    const seen: Summary[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await list({ limit: 2, cursor })
      t.ok(page.items.length <= 2)
      seen.push(...page.items)
      cursor = page.nextCursor ?? undefined
      pages++
    } while (cursor)
    t.equal(pages, 6)
    t.same(seen.map((s) => s.id), all.map((s) => s.id), 'the pages together are the whole list, in its order')
    const tied = all.filter((s) => s.user?.name?.startsWith('Tie '))
    t.equal(new Set(tied.map((s) => s.createdAt)).size, 1, 'the five tied sessions share one created_at')
    t.same(tied.map((s) => s.id), tied.map((s) => s.id).sort().reverse(), 'equal times: by id, descending')
  })

  t.test('a cursor keeps its place when newer sessions arrive', async (t) => {
    const first = await list({ limit: 3 })
    app.clock.advance(600)
    await postCxml(app.app, setupRequest({ from: [['NetworkID', seed.identities.acme]], secret: SHARED_SECRET }))
    const second = await list({ limit: 3, cursor: first.nextCursor! })
    t.same(second.items.map((s) => s.id), all.slice(3, 6).map((s) => s.id))
    t.equal((await list()).items.length, 12, 'the new session is on the first page of a new search')
  })

  t.test('detail: the timeline in order, the requests with their payloads, secrets masked', async (t) => {
    const jane = byPayload(seed.payloadIds.janeAgain)
    const { status, body } = await get(app, `/api/sessions/${jane.id}`)
    t.equal(status, 200)
    t.match(body, { id: jane.id, status: 'started', failure: null, deploymentMode: 'production', returnUrl: /^https:\/\/buyer\.example\.com\//, carts: [] })
    const types = body.timeline.map((e: { type: string }) => e.type)
    t.equal(types[0], 'customer.authenticated')
    t.ok(types.indexOf('session.provisioned') < types.indexOf('start.used'), 'provisioned, then the start link used')
    t.ok(body.timeline.every((e: { at: string; data: unknown }) => typeof e.at === 'string' && typeof e.data === 'object'))
    t.same(body.requests.map((r: { channel: string }) => r.channel), ['cxml', 'start'], 'the setup and the start link, oldest first')
    t.match(body.storefrontRequests, [{ channel: 'shop', method: 'GET', path: /^\/shop\/login\?assertion=\*\*\*$/, httpStatus: 303 }], 'the storefront sign-in')
    t.notOk('responseBody' in body.storefrontRequests[0], 'listed without its payloads')
    t.ok(types.includes('storefront.signed_in'))
    const [setup, start] = body.requests
    t.match(setup, { method: 'POST', path: '/punchout/cxml', payloadId: seed.payloadIds.janeAgain, httpStatus: 200, outcome: 'ok', error: null, contentType: /text\/xml/ })
    t.match(setup.requestBody, /<SharedSecret>\*\*\*<\/SharedSecret>/, 'the SharedSecret is masked')
    t.notMatch(setup.requestBody, SHARED_SECRET)
    t.match(setup.responseBody, /<StartPage>/)
    t.notMatch(setup.responseBody, /\/punchout\/start\/(?!\*\*\*)/, 'the start link is masked in the answer')
    t.match(start, { method: 'GET', path: '/punchout/start/***', httpStatus: 302, requestBody: null })
  })

  t.test('detail of a failed session: the stable code, its explanation and the code\'s summary', async (t) => {
    const { body } = await get(app, `/api/sessions/${byPayload(seed.payloadIds.refused).id}`)
    t.same(body.failure, {
      code: 'PG_ERR_RETURN_URL_REFUSED',
      text: "The return URL is refused: host evil.example.net is not on the customer's allow-list.",
      summary: 'The return URL (BrowserFormPost / HOOK_URL) is not on the customer allow-list.',
    })
    t.match(body.timeline.at(-1), { type: 'session.failed', data: { code: 'PG_ERR_RETURN_URL_REFUSED' } })
    t.match(body.requests, [{ httpStatus: 403, outcome: 'refused', error: { code: 'PG_ERR_RETURN_URL_REFUSED', summary: /allow-list/ } }])
  })

  t.test('404 for an unknown session, 400 for an id that cannot be one', async (t) => {
    const unknown = await get(app, '/api/sessions/00000000-0000-4000-8000-000000000000')
    t.equal(unknown.status, 404)
    t.equal(unknown.body.code, 'PG_ERR_SESSION_NOT_FOUND')
    const bad = await get(app, '/api/sessions/not-a-session')
    t.equal(bad.status, 400)
    t.equal(bad.body.code, 'PG_ERR_API_VALIDATION')
  })

  t.test('400 for filters it cannot apply, and for a cursor it did not hand out', async (t) => {
    const cursor = (...key: string[]) => Buffer.from(JSON.stringify(key)).toString('base64url')
    const requestsCursor = cursor('requests', '2026-11-23T10:00:00.000000Z', '1')
    const tampered = cursor('sessions', '2026-11-23T10:00:00.000000Z', "1' or '1'='1")
    for (const bad of [
      { status: 'lost' }, { protocol: 'soap' }, { operation: 'delete' }, { user: 'jane' }, { from: 'yesterday' }, { to: '2026-11-23' },
      { from: '2026-11-23T10:00:00Z', to: '2026-11-23T09:00:00Z' }, { failureCode: 'not a code' }, { limit: 0 }, { limit: 201 },
      { q: ' ' }, { stauts: 'failed' }, { cursor: 'garbage' }, { cursor: requestsCursor }, { cursor: tampered },
    ]) {
      const res = await get(app, `/api/sessions?${query(bad)}`)
      t.equal(res.status, 400, JSON.stringify(bad))
      t.equal(res.body.code, 'PG_ERR_API_VALIDATION')
    }
    const twice = await get(app, '/api/sessions?status=failed&status=started')
    t.equal(twice.status, 400, 'one value per filter')
  })

  t.test('q naming more buyers than are searched one by one (a common name) still finds every session of theirs', async (t) => {
    const meiers = Array.from({ length: 23 }, (_, i) => `meier-${i}`)
    for (const unique of meiers) {
      app.clock.advance(1)
      const identity = unique.endsWith('0') ? seed.identities.globex : seed.identities.acme
      await postCxml(app.app, setupRequest({ from: [['NetworkID', identity]], secret: SHARED_SECRET, buyerCookie: unique,
        extrinsics: [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`], ['FirstName', 'Max'], ['LastName', 'Meier']] }))
    }
    const found: Summary[] = []
    let cursor: string | undefined
    do {
      const page = await list({ q: 'meier', limit: 10, cursor })
      found.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    t.same(cookies(found), [...meiers].reverse(), 'all 23, newest first, across pages')
    t.same(cookies((await list({ q: 'MEIER', customer: seed.globex.slug })).items), ['meier-20', 'meier-10', 'meier-0'], 'within a customer')
  })

  t.test('needs a token that may read', async (t) => {
    t.equal((await app.app.inject({ method: 'GET', url: '/api/sessions' })).statusCode, 401)
    const storefront = await get(app, '/api/sessions', { authorization: `Bearer ${STOREFRONT_TOKEN}` })
    t.equal(storefront.status, 403)
    t.equal(storefront.body.code, 'PG_ERR_API_FORBIDDEN')
    t.equal((await get(app, `/api/sessions/${all[0]!.id}`, { authorization: `Bearer ${STOREFRONT_TOKEN}` })).status, 403)
  })
})
