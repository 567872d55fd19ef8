import type { SqlEntityManager } from '@mikro-orm/postgresql'
import type { Actor } from '../audit/audit.ts'
import type { Keyset } from './cursor.ts'
import { csvRecord } from './csv.ts'
import { prepareSessionSearch, sessionPage } from './sessions.ts'
import type { SessionFilters, SessionSummary } from './views.ts'

export type ExportFormat = 'ndjson' | 'csv'

/** Rows read per query: the export holds one page in memory, and no connection between pages. */
const EXPORT_PAGE = 500

const CSV_COLUMNS: Array<[string, (s: SessionSummary) => string | null]> = [
  ['id', (s) => s.id],
  ['createdAt', (s) => s.createdAt],
  ['customerId', (s) => s.customer.id],
  ['customerSlug', (s) => s.customer.slug],
  ['customerName', (s) => s.customer.name],
  ['userId', (s) => s.user?.id ?? null],
  ['userEmail', (s) => s.user?.email ?? null],
  ['userName', (s) => s.user?.name ?? null],
  ['status', (s) => s.status],
  ['failureCode', (s) => s.failure?.code ?? null],
  ['failureText', (s) => s.failure?.text ?? null],
  ['protocol', (s) => s.protocol],
  ['operation', (s) => s.operation],
  ['payloadId', (s) => s.payloadId],
  ['buyerCookie', (s) => s.buyerCookie],
  ['startedAt', (s) => s.startedAt],
  ['cartReturnedAt', (s) => s.cartReturnedAt],
]

/**
 * Every session matching `filters` that the actor may see, newest first, as NDJSON (one summary
 * per line, as the list returns it) or CSV (a header row, then one record per session). The
 * search is resolved before this returns; the text is produced while it is read, one keyset page
 * at a time (`pageSize` rows), so an export of a million sessions never holds more than one page.
 */
export async function exportSessions(
  em: SqlEntityManager, actor: Actor, filters: SessionFilters, format: ExportFormat, pageSize = EXPORT_PAGE,
): Promise<AsyncIterable<string>> {
  const search = await prepareSessionSearch(em, actor, filters)
  const line = format === 'csv' ? (s: SessionSummary) => csvRecord(CSV_COLUMNS.map(([, value]) => value(s))) : (s: SessionSummary) => `${JSON.stringify(s)}\n`
  return (async function* () {
    if (format === 'csv') yield csvRecord(CSV_COLUMNS.map(([name]) => name))
    if (!search) return
    let after: Keyset | undefined
    do {
      const page = await sessionPage(em, search, after, pageSize)
      if (page.items.length) yield page.items.map(line).join('')
      after = page.next
    } while (after)
  })()
}
