import t from 'tap'
import type { Actor } from '../../../src/domain/audit/audit.ts'
import { requestDetail, searchRequests } from '../../../src/domain/journal/requests.ts'
import { searchSessions, sessionDetail } from '../../../src/domain/journal/sessions.ts'
import { buildTestApp } from '../../helpers/app.ts'
import { seedJournal } from '../../http/api/sessions-fixture.ts'

/** An actor limited to some customers sees their sessions and requests, and nothing of the others. */
t.test('the customer scope of an actor', async (t) => {
  const app = await buildTestApp(t)
  const seed = await seedJournal(app)
  const em = () => app.db.orm.em.fork()
  const actor = (customerIds: string[] | null): Actor => ({ name: 'agent:test', role: 'support', customerIds })
  const acmeOnly = actor([seed.acme.id])
  const everyone = actor(null)
  const page = { limit: 200 }

  t.test('sessions: only those of its customers; another customer asked for is an empty page', async (t) => {
    const mine = await searchSessions(em(), acmeOnly, {}, page)
    t.equal(mine.items.length, 9)
    t.ok(mine.items.every((s) => s.customer.id === seed.acme.id))
    t.same((await searchSessions(em(), acmeOnly, { customer: seed.globex.id }, page)).items, [])
    t.same((await searchSessions(em(), acmeOnly, { customer: seed.globex.slug, q: 'bob' }, page)).items, [])
    t.equal((await searchSessions(em(), acmeOnly, { customer: seed.acme.slug }, page)).items.length, 9)
    t.same((await searchSessions(em(), acmeOnly, { q: 'hans' }, page)).items.map((s) => s.customer.id), [seed.acme.id], 'the same name at another customer stays hidden')
    t.same((await searchSessions(em(), actor([]), {}, page)).items, [], 'an empty scope sees nothing')
  })

  t.test('a session of another customer is not found, as if it did not exist', async (t) => {
    const [bob] = (await searchSessions(em(), everyone, { customer: seed.globex.id }, page)).items
    await t.rejects(sessionDetail(em(), acmeOnly, bob!.id), { code: 'PG_ERR_SESSION_NOT_FOUND' })
    t.equal((await sessionDetail(em(), actor([seed.globex.id]), bob!.id)).id, bob!.id)
  })

  t.test('several customers: their sessions merged newest first, paged without duplicates or gaps', async (t) => {
    const two = actor([seed.globex.id, seed.acme.id])
    const expected = (await searchSessions(em(), everyone, {}, page)).items.filter((s) => s.customer.id !== seed.initech.id)
    t.equal(expected.length, 10)
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const next = await searchSessions(em(), two, {}, { limit: 3, ...(cursor ? { cursor } : {}) })
      seen.push(...next.items.map((s) => s.id))
      cursor = next.nextCursor ?? undefined
    } while (cursor)
    t.same(seen, expected.map((s) => s.id))
    t.same((await searchSessions(em(), two, { status: 'failed' }, page)).items.map((s) => s.payloadId), [seed.payloadIds.refused], 'with filters')
  })

  t.test('requests: only those of its customers; a request with no customer is for unscoped actors only', async (t) => {
    const mine = await searchRequests(em(), acmeOnly, {}, page)
    t.ok(mine.items.length > 0)
    t.ok(mine.items.every((r) => r.customer?.id === seed.acme.id))
    t.same((await searchRequests(em(), acmeOnly, { payloadId: seed.payloadIds.badSecret }, page)).items, [])
    const [bad] = (await searchRequests(em(), everyone, { payloadId: seed.payloadIds.badSecret }, page)).items
    t.equal(bad!.customer, null)
    await t.rejects(requestDetail(em(), acmeOnly, bad!.id), { code: 'PG_ERR_NOT_FOUND' })
    t.equal((await requestDetail(em(), everyone, bad!.id)).id, bad!.id)
    const [bob] = (await searchRequests(em(), everyone, { customer: seed.globex.id }, page)).items
    await t.rejects(requestDetail(em(), acmeOnly, bob!.id), { code: 'PG_ERR_NOT_FOUND' })
    t.same((await searchRequests(em(), acmeOnly, { customer: seed.globex.slug }, page)).items, [])
  })
})
