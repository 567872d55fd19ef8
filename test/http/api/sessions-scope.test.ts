import t from 'tap'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { get, seedJournal } from './sessions-fixture.ts'

/** docs/api.md, "Sessions and the journal": a token limited to customers reads only theirs. */
t.test('a token limited to one customer', async (t) => {
  const app = await buildTestApp(t)
  const seed = await seedJournal(app)
  const token = async (role: string, customerIds?: string[]) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { name: `${role}-journal`, role, ...(customerIds ? { customerIds } : {}) } })
    if (res.statusCode !== 201) throw new Error(`token: ${res.statusCode} ${res.body}`)
    return { authorization: `Bearer ${res.json().token}` }
  }
  const acmeSupport = await token('support', [seed.acme.id])
  const [bob] = (await get(app, `/api/sessions?customer=${seed.globex.id}`)).body.items
  const [badSecret] = (await get(app, `/api/requests?payloadId=${encodeURIComponent(seed.payloadIds.badSecret)}`)).body.items

  t.test('lists only its customer\'s sessions and requests', async (t) => {
    const sessions = await get(app, '/api/sessions?limit=200', acmeSupport)
    t.equal(sessions.status, 200)
    t.equal(sessions.body.items.length, 9)
    t.ok(sessions.body.items.every((s: { customer: { id: string } }) => s.customer.id === seed.acme.id))
    const requests = await get(app, '/api/requests?limit=200', acmeSupport)
    t.ok(requests.body.items.every((r: { customer: { id: string } | null }) => r.customer?.id === seed.acme.id), 'no request of another customer, none without one')
  })

  t.test('asking for another customer gives an empty page; its items are not found', async (t) => {
    t.same((await get(app, `/api/sessions?customer=${seed.globex.slug}`, acmeSupport)).body, { items: [], nextCursor: null })
    t.same((await get(app, `/api/requests?customer=${seed.globex.id}`, acmeSupport)).body, { items: [], nextCursor: null })
    const session = await get(app, `/api/sessions/${bob.id}`, acmeSupport)
    t.equal(session.status, 404)
    t.equal(session.body.code, 'PG_ERR_SESSION_NOT_FOUND')
    t.equal((await get(app, `/api/requests/${badSecret.id}`, acmeSupport)).status, 404, 'a request with no customer')
  })

  t.test('exports only its customer\'s sessions', async (t) => {
    const res = await app.app.inject({ method: 'GET', url: '/api/sessions/export?format=ndjson', headers: acmeSupport })
    const customers = new Set(res.body.trimEnd().split('\n').map((l) => JSON.parse(l).customer.id))
    t.same([...customers], [seed.acme.id])
  })

  t.test('an unscoped auditor reads everything', async (t) => {
    const auditor = await token('auditor')
    t.equal((await get(app, `/api/sessions/${bob.id}`, auditor)).status, 200)
    t.equal((await get(app, `/api/requests/${badSecret.id}`, auditor)).status, 200)
  })
})
