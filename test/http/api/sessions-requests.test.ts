import t from 'tap'
import { STOREFRONT_TOKEN, buildTestApp } from '../../helpers/app.ts'
import { SHARED_SECRET, get, query, seedJournal } from './sessions-fixture.ts'

interface RequestSummary {
  id: string
  at: string
  channel: string
  requestId: string
  sessionId: string | null
  customer: { id: string; slug: string } | null
  payloadId: string | null
  httpStatus: number
  outcome: string
  error: { code: string; summary: string | null } | null
}

t.test('GET /api/requests and /api/requests/:id', async (t) => {
  const app = await buildTestApp(t)
  const before = new Date()
  const seed = await seedJournal(app)
  const list = async (params: Record<string, string | number | undefined> = {}) => {
    const res = await get(app, `/api/requests?${query({ limit: 200, ...params })}`)
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`)
    return res.body as { items: RequestSummary[]; nextCursor: string | null }
  }
  const all = (await list()).items

  t.test('lists every journaled request newest first, the API calls that configured them excluded', async (t) => {
    t.equal(all.length, 15, 'ten cXML setups, a start link, a storefront sign-in, an OCI login, a bad secret, a malformed document')
    const keys = all.map((r) => [r.at, Number(r.id)] as const)
    t.same(keys, [...keys].sort((a, b) => (a[0] === b[0] ? b[1] - a[1] : a[0] < b[0] ? 1 : -1)), 'newest first')
    t.same(new Set(all.map((r) => r.channel)), new Set(['cxml', 'start', 'shop', 'oci']))
  })

  t.test('a request that never became a session is found by its payloadID and by its support reference', async (t) => {
    const byPayload = await list({ payloadId: seed.payloadIds.badSecret })
    t.match(byPayload.items, [{ sessionId: null, customer: null, httpStatus: 401, outcome: 'refused', error: { code: 'PG_ERR_AUTH_BAD_SECRET', summary: /not accepted/ } }])
    const byReference = await list({ requestId: seed.badSecretReference })
    t.same(byReference.items.map((r) => r.id), byPayload.items.map((r) => r.id))
  })

  t.test('one request with its payloads: the SharedSecret stays masked', async (t) => {
    const [bad] = (await list({ payloadId: seed.payloadIds.badSecret })).items
    const { status, body } = await get(app, `/api/requests/${bad!.id}`)
    t.equal(status, 200)
    t.match(body, { id: bad!.id, requestId: seed.badSecretReference, contentType: /text\/xml/, responseContentType: /xml/ })
    t.match(body.requestBody, /<SharedSecret>\*\*\*<\/SharedSecret>/)
    t.notMatch(body.requestBody, /not-the-secret/)
    t.notMatch(JSON.stringify(body), SHARED_SECRET)
    t.match(body.responseBody, new RegExp(`PG_ERR_AUTH_BAD_SECRET; reference ${seed.badSecretReference}`))
  })

  t.test('filters by outcome, error code, channel and customer', async (t) => {
    t.same((await list({ outcome: 'malformed' })).items.map((r) => r.error?.code), ['PG_ERR_CXML_MALFORMED'])
    t.same((await list({ outcome: 'refused' })).items.map((r) => r.error?.code), ['PG_ERR_AUTH_BAD_SECRET', 'PG_ERR_RETURN_URL_REFUSED'])
    t.same((await list({ errorCode: 'PG_ERR_RETURN_URL_REFUSED' })).items.map((r) => r.payloadId), [seed.payloadIds.refused])
    t.equal((await list({ outcome: 'ok' })).items.length, 12)
    t.same((await list({ channel: 'oci' })).items.map((r) => r.customer?.id), [seed.initech.id])
    t.same((await list({ channel: 'start' })).items.map((r) => r.httpStatus), [302])
    const globex = await list({ customer: seed.globex.slug })
    t.same(globex.items.map((r) => r.payloadId), [seed.payloadIds.bob])
    t.same((await list({ customer: seed.acme.id, outcome: 'refused' })).items.map((r) => r.payloadId), [seed.payloadIds.refused], 'a bad secret has no customer')
  })

  t.test('filters by time', async (t) => {
    t.equal((await list({ from: before.toISOString() })).items.length, 15)
    t.same((await list({ to: before.toISOString() })).items, [])
    const newest = all[0]!
    t.same((await list({ from: newest.at })).items.map((r) => r.id).includes(newest.id), true, 'from is inclusive')
    t.notOk((await list({ to: newest.at })).items.some((r) => r.id === newest.id), 'to is exclusive')
  })

  t.test('pages with a cursor: no duplicates, no gaps', async (t) => {
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await list({ limit: 3, cursor })
      seen.push(...page.items.map((r) => r.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    t.same(seen, all.map((r) => r.id))
  })

  t.test('404 for an unknown entry, 400 for bad filters and ids', async (t) => {
    const unknown = await get(app, '/api/requests/999999999')
    t.equal(unknown.status, 404)
    t.equal(unknown.body.code, 'PG_ERR_NOT_FOUND')
    for (const url of ['/api/requests/abc', '/api/requests/1e3', '/api/requests?outcome=fine', '/api/requests?channel=soap', '/api/requests?sessionId=x',
      '/api/requests?from=2026-11-23T10:00:00Z&to=2026-11-23T10:00:00Z', `/api/requests?cursor=${Buffer.from('["sessions","2026-11-23T10:00:00.000000Z","00000000-0000-4000-8000-000000000000"]').toString('base64url')}`]) {
      const res = await get(app, url)
      t.equal(res.status, 400, url)
      t.equal(res.body.code, 'PG_ERR_API_VALIDATION')
    }
  })

  t.test('needs a token that may read', async (t) => {
    t.equal((await get(app, '/api/requests', { authorization: `Bearer ${STOREFRONT_TOKEN}` })).status, 403)
    t.equal((await get(app, `/api/requests/${all[0]!.id}`, { authorization: `Bearer ${STOREFRONT_TOKEN}` })).status, 403)
  })
})
