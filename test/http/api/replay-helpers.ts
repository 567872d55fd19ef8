import { randomUUID } from 'node:crypto'
import type { TestApp } from '../../helpers/app.ts'
import { adminHeaders, cxmlAnswer, postCxml, setupRequest, type SetupOptions } from '../../helpers/fixtures.ts'
import { buyerCustomer, SECRET, type Buyer } from '../../domain/provisioning/punchout-helpers.ts'
import { call, type Headers } from './accounts-helpers.ts'

/** Shared by the replay and re-send tests (test/http/api/replay*.test.ts, test/e2e/replay.test.ts). */

/** A customer (with `body` as its configuration) and one setup of a new buyer; the session it left. */
export async function recordedSession(app: TestApp, body: Record<string, unknown>, setup: SetupOptions = {}): Promise<Buyer & { sid: string; code: number }> {
  const buyer = await buyerCustomer(app, body)
  const unique = `buyer-${randomUUID().slice(0, 8)}`
  const res = await postCxml(app.app, setupRequest({ from: buyer.from, secret: SECRET, extrinsics: [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`]], ...setup }))
  const { code } = cxmlAnswer(res.body)
  const list = await call(app, 'GET', `/api/sessions?customer=${buyer.customer.id}`)
  return { ...buyer, sid: list.json().items[0].id, code }
}

export const dryRun = (app: TestApp, sid: string, headers: Headers = adminHeaders) => call(app, 'POST', `/api/sessions/${sid}/replay`, headers, { mode: 'dry-run' })

export const liveReplay = (app: TestApp, sid: string, headers: Headers = adminHeaders) => call(app, 'POST', `/api/sessions/${sid}/replay`, headers, { mode: 'live' })

export const patchCustomer = (app: TestApp, id: string, body: Record<string, unknown>) => call(app, 'PATCH', `/api/customers/${id}`, adminHeaders, body)

/** The number of rows of every table of the schema: a dry run must leave each unchanged. */
export async function rowCounts(app: TestApp): Promise<Record<string, number>> {
  const em = app.db.orm.em.fork()
  const tables = await em.execute<Array<{ tablename: string }>>("select tablename from pg_tables where schemaname = current_schema() order by tablename")
  const counts: Record<string, number> = {}
  for (const { tablename } of tables) {
    const [row] = await em.execute<Array<{ n: string }>>(`select count(*)::text as n from "${tablename}"`)
    counts[tablename] = Number(row!.n)
  }
  return counts
}
