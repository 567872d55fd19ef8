import t from 'tap'
import type { Actor } from '../../../src/domain/audit/audit.ts'
import { exportSessions } from '../../../src/domain/journal/export.ts'
import { searchSessions } from '../../../src/domain/journal/sessions.ts'
import { buildTestApp } from '../../helpers/app.ts'
import { seedJournal } from '../../http/api/sessions-fixture.ts'

t.test('an export is produced page by page while it is read', async (t) => {
  const app = await buildTestApp(t)
  const seed = await seedJournal(app)
  const em = () => app.db.orm.em.fork()
  const admin: Actor = { name: 'bootstrap-admin', role: 'admin', customerIds: null }
  const listed = (await searchSessions(em(), admin, {}, { limit: 200 })).items

  t.test('NDJSON: one chunk per page of `pageSize` sessions, together the whole list', async (t) => {
    const chunks: string[] = []
    for await (const chunk of await exportSessions(em(), admin, {}, 'ndjson', 4)) chunks.push(chunk)
    t.same(chunks.map((c) => c.trimEnd().split('\n').length), [4, 4, 3], 'eleven sessions in pages of four')
    t.same(chunks.join('').trimEnd().split('\n').map((l) => JSON.parse(l)), listed)
  })

  t.test('CSV: the header first, then the pages', async (t) => {
    const chunks: string[] = []
    for await (const chunk of await exportSessions(em(), admin, { customer: seed.acme.id }, 'csv', 5)) chunks.push(chunk)
    t.match(chunks[0], /^id,createdAt,/)
    t.same(chunks.slice(1).map((c) => c.split('\r\n').length - 1), [5, 4])
  })

  t.test('an actor sees in an export only what it may see', async (t) => {
    const chunks: string[] = []
    for await (const chunk of await exportSessions(em(), { ...admin, customerIds: [seed.globex.id] }, {}, 'ndjson')) chunks.push(chunk)
    t.same(chunks.join('').trimEnd().split('\n').map((l) => JSON.parse(l).customer.id), [seed.globex.id])
    const none: string[] = []
    for await (const chunk of await exportSessions(em(), { ...admin, customerIds: [seed.globex.id] }, { customer: seed.acme.id }, 'csv')) none.push(chunk)
    t.equal(none.length, 1, 'the header alone')
  })
})
