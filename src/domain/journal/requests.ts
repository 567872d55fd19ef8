import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { ERRORS, PunchgateError, type ErrorCode } from '../../errors/index.ts'
import type { Statement } from '../../persistence/rows.ts'
import { knexSql, type Sql } from '../../persistence/sql.ts'
import { decodeXmlBody } from '../../protocols/cxml/decode.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'
import { cursorAt, keysetPage } from './keyset.ts'
import { searchScope } from './scope.ts'
import type { Page, PageRequest, RequestDetail, RequestFilters, RequestSummary } from './views.ts'

/**
 * The journal: every answered protocol request, including those that never became a session (a
 * bad secret, malformed XML, an unknown credential). A row has a customer only once the request
 * was authenticated, so rows without one are visible to unscoped actors only.
 */

const COLUMNS = `j.id::text as id, j.at, j.channel, j.method, j.path, j.request_id, j.session_id, j.customer_id, j.payload_id,
  j.http_status, j.protocol_status, j.outcome, j.error_code, j.request_size, j.duration_ms, j.remote_ip, ${cursorAt('j.at')} as cursor_at`
const PAYLOAD_COLUMNS = ['content_type', 'request_body', 'response_content_type', 'response_body', 'payload_purged_at']
const PAYLOADS = PAYLOAD_COLUMNS.map((c) => `j.${c}`).join(', ')
/** The payloads of protocol requests; the storefront's pages (channel shop) are left out. */
const PROTOCOL_PAYLOADS = PAYLOAD_COLUMNS.map((c) => `case when j.channel <> 'shop' then j.${c} end as ${c}`).join(', ')
const WITH_CUSTOMER = (from: string) => `select p.*, c.slug as customer_slug, c.name as customer_name from ${from} left join customers c on c.id = p.customer_id`

interface RequestRow {
  id: string
  at: Date
  channel: string
  method: string
  path: string
  request_id: string
  session_id: string | null
  customer_id: string | null
  payload_id: string | null
  http_status: number
  protocol_status: number | null
  outcome: RequestSummary['outcome']
  error_code: string | null
  request_size: number
  duration_ms: number
  remote_ip: string | null
  cursor_at: string
  customer_slug: string | null
  customer_name: string | null
}

interface PayloadRow extends RequestRow {
  content_type: string | null
  request_body: Uint8Array | null
  response_content_type: string | null
  response_body: string | null
  payload_purged_at: Date | null
}

/** Newest first, `page.limit` at a time, within the actor's customer scope. */
export async function searchRequests(em: SqlEntityManager, actor: Actor, filters: RequestFilters, page: PageRequest): Promise<Page<RequestSummary>> {
  const after = page.cursor === undefined ? undefined : decodeCursor('requests', page.cursor)
  const sql = knexSql(em.getKnex())
  const customers = await searchScope(sql, actor, filters.customer)
  if (customers?.length === 0) return { items: [], nextCursor: null }
  const statement = keysetPage(
    {
      select: `select ${COLUMNS} from journal_entries j`, alias: 'j', time: 'at', idType: 'bigint', conditions: conditions(filters),
      ...(customers ? { oneOf: { column: 'customer_id', values: customers } } : {}),
    },
    after,
    page.limit + 1,
  )
  const rows = await sql.rows<RequestRow>(`${WITH_CUSTOMER(`(${statement.text}) p`)} order by p.at desc, p.id::bigint desc`, statement.params)
  const items = rows.slice(0, page.limit)
  const last = items.at(-1)
  return {
    items: items.map(summary),
    nextCursor: rows.length > page.limit && last ? encodeCursor('requests', { at: last.cursor_at, id: last.id }) : null,
  }
}

function conditions(f: RequestFilters): Statement[] {
  const out: Statement[] = []
  const equal = (column: string, value: unknown) => {
    if (value !== undefined) out.push({ text: `j.${column} = ?`, params: [value] })
  }
  equal('payload_id', f.payloadId)
  equal('outcome', f.outcome)
  equal('error_code', f.errorCode)
  equal('channel', f.channel)
  equal('request_id', f.requestId)
  if (f.from) out.push({ text: 'j.at >= ?::timestamptz', params: [f.from.toISOString()] })
  if (f.to) out.push({ text: 'j.at < ?::timestamptz', params: [f.to.toISOString()] })
  return out
}

/** The summary of a stable code (docs/errors.md); null for a code this version does not know. */
export const errorSummary = (code: string): string | null => (Object.hasOwn(ERRORS, code) ? ERRORS[code as ErrorCode].summary : null)

/** One journal entry with its payloads; PG_ERR_NOT_FOUND also when the actor may not see it. */
export async function requestDetail(em: SqlEntityManager, actor: Actor, id: string): Promise<RequestDetail> {
  const notFound = new PunchgateError('PG_ERR_NOT_FOUND', `No journal entry ${id}.`)
  if (!/^\d{1,18}$/.test(id)) throw notFound
  const [row] = await knexSql(em.getKnex()).rows<PayloadRow>(
    `${WITH_CUSTOMER(`(select ${COLUMNS}, ${PAYLOADS} from journal_entries j where j.id = ?::bigint) p`)}`,
    [id],
  )
  const visible = row && (actor.customerIds === null || (row.customer_id !== null && actorMaySee(actor, row.customer_id)))
  if (!visible) throw notFound
  return detail(row)
}

/**
 * The journal entries of a session, oldest first: its protocol requests (setup, start link, cart
 * return) with their payloads, and the built-in storefront's page requests without theirs — a
 * buyer who browses for an hour leaves hundreds of HTML pages, which GET /api/requests/:id shows
 * one at a time.
 */
export async function requestsOfSession(sql: Sql, sessionId: string): Promise<{ requests: RequestDetail[]; storefrontRequests: RequestSummary[] }> {
  const rows = await sql.rows<PayloadRow>(
    `${WITH_CUSTOMER(`(select ${COLUMNS}, ${PROTOCOL_PAYLOADS} from journal_entries j where j.session_id = ?) p`)} order by p.at, p.id::bigint`,
    [sessionId],
  )
  return { requests: rows.filter((r) => r.channel !== 'shop').map(detail), storefrontRequests: rows.filter((r) => r.channel === 'shop').map(summary) }
}

function summary(r: RequestRow): RequestSummary {
  return {
    id: r.id,
    at: new Date(r.at).toISOString(),
    channel: r.channel,
    method: r.method,
    path: r.path,
    requestId: r.request_id,
    sessionId: r.session_id,
    customer: r.customer_id ? { id: r.customer_id, slug: r.customer_slug!, name: r.customer_name! } : null,
    payloadId: r.payload_id,
    httpStatus: r.http_status,
    protocolStatus: r.protocol_status,
    outcome: r.outcome,
    error: r.error_code ? { code: r.error_code, summary: errorSummary(r.error_code) } : null,
    requestSize: r.request_size,
    durationMs: r.duration_ms,
    remoteIp: r.remote_ip,
  }
}

function detail(r: PayloadRow): RequestDetail {
  return {
    ...summary(r),
    contentType: r.content_type,
    requestBody: r.request_body === null ? null : bodyText(Buffer.from(r.request_body), r.channel, r.content_type),
    responseContentType: r.response_content_type,
    responseBody: r.response_body,
    payloadPurgedAt: r.payload_purged_at === null ? null : new Date(r.payload_purged_at).toISOString(),
  }
}

/**
 * The request as text. A cXML document is read in the encoding it declares (a buyer system may
 * send ISO-8859-1); anything else, or a document whose declaration does not hold, as UTF-8.
 */
function bodyText(bytes: Buffer, channel: string, contentType: string | null): string {
  if (channel === 'cxml') {
    try {
      return decodeXmlBody(bytes, contentType ?? undefined)
    } catch {
      // The request was refused for its encoding; show what can be read of it.
    }
  }
  return bytes.toString('utf8')
}
