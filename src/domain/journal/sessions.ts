import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import type { Statement } from '../../persistence/rows.ts'
import { knexSql, type Sql } from '../../persistence/sql.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import { decodeCursor, encodeCursor, type Keyset } from './cursor.ts'
import { searchBuyers } from './buyers.ts'
import { cursorAt, keysetPage, oneOfCondition, type KeysetQuery } from './keyset.ts'
import { errorSummary, requestsOfSession } from './requests.ts'
import { searchScope, UUID } from './scope.ts'
import type { Page, PageRequest, SessionDetail, SessionFilters, SessionSummary } from './views.ts'

/**
 * Punchout sessions as support searches them (docs/api.md, "Sessions and the journal"), within
 * the actor's customer scope. Every filter is a bound parameter; each is served by an index
 * (Migration20261130000100_journal_search, docs/performance.md).
 */

const COLUMNS = `s.id, s.customer_id, s.user_id, s.status, s.failure_code, s.failure_text, s.protocol, s.operation,
  s.payload_id, s.buyer_cookie, s.created_at, s.started_at, s.cart_returned_at, ${cursorAt('s.created_at')} as cursor_at`

/** The session columns, then who: the customer and the buyer user (summary fields only). */
const WITH_PARTIES = (from: string) => `select p.*, c.slug as customer_slug, c.name as customer_name, u.email as user_email, u.display_name as user_name
  from ${from} join customers c on c.id = p.customer_id left join buyer_users u on u.id = p.user_id`

interface SessionRow {
  id: string
  customer_id: string
  user_id: string | null
  status: SessionSummary['status']
  failure_code: string | null
  failure_text: string | null
  protocol: 'cxml' | 'oci'
  operation: string
  payload_id: string | null
  buyer_cookie: string | null
  created_at: Date
  started_at: Date | null
  cart_returned_at: Date | null
  cursor_at: string
  customer_slug: string
  customer_name: string
  user_email: string | null
  user_name: string | null
}

/** A search, resolved once (customer, scope), then read page by page. */
export interface PreparedSessionSearch {
  query: KeysetQuery
}

/** Newest first, `page.limit` at a time; an empty page when the actor may see none of it. */
export async function searchSessions(em: SqlEntityManager, actor: Actor, filters: SessionFilters, page: PageRequest): Promise<Page<SessionSummary>> {
  const after = page.cursor === undefined ? undefined : decodeCursor('sessions', page.cursor)
  const search = await prepareSessionSearch(em, actor, filters)
  if (!search) return { items: [], nextCursor: null }
  const { items, next } = await sessionPage(em, search, after, page.limit)
  return { items, nextCursor: next ? encodeCursor('sessions', next) : null }
}

/**
 * Resolves the customer, the scope and the buyers `q` names; undefined when no session can match.
 * The list then walks one index in (created_at, id) order per customer of the scope — or per
 * buyer, when `q` names a few — so that a page reads little more than its rows.
 */
export async function prepareSessionSearch(em: SqlEntityManager, actor: Actor, filters: SessionFilters): Promise<PreparedSessionSearch | undefined> {
  const sql = knexSql(em.getKnex())
  const customers = await searchScope(sql, actor, filters.customer)
  if (customers?.length === 0) return undefined
  if (filters.user !== undefined && !UUID.test(filters.user)) return undefined
  const query: KeysetQuery = { select: `select ${COLUMNS} from punchout_sessions s`, alias: 's', time: 'created_at', idType: 'uuid', conditions: conditions(filters) }
  if (filters.q === undefined) return { query: customers ? { ...query, oneOf: { column: 'customer_id', values: customers } } : query }
  const buyers = await searchBuyers(sql, filters.q, customers)
  if ('ids' in buyers && buyers.ids.length === 0) return undefined
  if (customers) query.conditions.push(oneOfCondition('s.customer_id', customers))
  if ('condition' in buyers) return { query: { ...query, conditions: [...query.conditions, buyers.condition] } }
  return { query: { ...query, oneOf: { column: 'user_id', values: buyers.ids } } }
}

/** `limit` sessions after `after`; `next` is the position after the last, unless it was the last. */
export async function sessionPage(em: SqlEntityManager, search: PreparedSessionSearch, after: Keyset | undefined, limit: number): Promise<{ items: SessionSummary[]; next?: Keyset }> {
  const page = keysetPage(search.query, after, limit + 1)
  const rows = await knexSql(em.getKnex()).rows<SessionRow>(`${WITH_PARTIES(`(${page.text}) p`)} order by p.created_at desc, p.id desc`, page.params)
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items: items.map(summary), ...(rows.length > limit && last ? { next: { at: last.cursor_at, id: last.id } } : {}) }
}

function conditions(f: SessionFilters): Statement[] {
  const out: Statement[] = []
  const equal = (column: string, value: unknown) => {
    if (value !== undefined) out.push({ text: `s.${column} = ?`, params: [value] })
  }
  equal('user_id', f.user?.toLowerCase())
  equal('status', f.status)
  equal('failure_code', f.failureCode)
  equal('protocol', f.protocol)
  equal('operation', f.operation)
  equal('payload_id', f.payloadId)
  equal('buyer_cookie', f.buyerCookie)
  if (f.from) out.push({ text: 's.created_at >= ?::timestamptz', params: [f.from.toISOString()] })
  if (f.to) out.push({ text: 's.created_at < ?::timestamptz', params: [f.to.toISOString()] })
  return out
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

function summary(r: SessionRow): SessionSummary {
  return {
    id: r.id,
    customer: { id: r.customer_id, slug: r.customer_slug, name: r.customer_name },
    user: r.user_id ? { id: r.user_id, email: r.user_email, name: r.user_name } : null,
    status: r.status,
    failure: r.failure_code ? { code: r.failure_code, text: r.failure_text } : null,
    protocol: r.protocol,
    operation: r.operation,
    payloadId: r.payload_id,
    buyerCookie: r.buyer_cookie,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    cartReturnedAt: iso(r.cart_returned_at),
  }
}

/**
 * One session with its timeline (events in order), the journaled requests behind it with their
 * payloads, and the carts it returned. PG_ERR_SESSION_NOT_FOUND also for a session of a customer
 * the actor may not see: its existence is not revealed.
 */
export async function sessionDetail(em: SqlEntityManager, actor: Actor, id: string): Promise<SessionDetail> {
  const sql = knexSql(em.getKnex())
  const notFound = new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${id}.`)
  if (!UUID.test(id)) throw notFound
  const [row] = await sql.rows<SessionRow & { deployment_mode: string; return_url: string | null; flags: string[]; replay_of: string | null }>(
    `${WITH_PARTIES(`(select ${COLUMNS}, s.deployment_mode, s.return_url, s.flags, s.replay_of from punchout_sessions s where s.id = ?) p`)}`,
    [id.toLowerCase()],
  )
  if (!row || !actorMaySee(actor, row.customer_id)) throw notFound
  const [timeline, { requests, storefrontRequests }, carts, replays] = await Promise.all([events(sql, row.id), requestsOfSession(sql, row.id), cartsOf(sql, row.id), replaysOf(sql, row.id)])
  const base = summary(row)
  return {
    ...base,
    failure: base.failure ? { ...base.failure, summary: errorSummary(base.failure.code) } : null,
    deploymentMode: row.deployment_mode,
    returnUrl: row.return_url,
    flags: row.flags,
    replayOf: row.replay_of,
    replays,
    timeline,
    requests,
    storefrontRequests,
    carts,
  }
}

async function events(sql: Sql, sessionId: string): Promise<SessionDetail['timeline']> {
  const rows = await sql.rows<{ type: string; at: Date; data: Record<string, unknown> }>(
    'select type, at, data from session_events where session_id = ? order by at, id',
    [sessionId],
  )
  return rows.map((e) => ({ type: e.type, at: iso(e.at)!, data: e.data }))
}

async function replaysOf(sql: Sql, sessionId: string): Promise<string[]> {
  const rows = await sql.rows<{ id: string }>('select id from punchout_sessions where replay_of = ? order by created_at, id', [sessionId])
  return rows.map((r) => r.id)
}

async function cartsOf(sql: Sql, sessionId: string): Promise<SessionDetail['carts']> {
  const rows = await sql.rows<{ id: string; created_at: Date; currency: string | null; total: string; transport: string; lines: unknown[] }>(
    'select id, created_at, currency, total::text as total, transport, lines from carts where session_id = ? order by created_at, id',
    [sessionId],
  )
  return rows.map((c) => ({ id: c.id, createdAt: iso(c.created_at)!, currency: c.currency, total: c.total, transport: c.transport, lines: c.lines }))
}
