import type { MikroORM } from '@mikro-orm/postgresql'
import {
  BuyerUser, Cart, Customer, CustomerRole, JournalEntry, Order, OrderAttachment, OrderLine, OutboxMessage, PreparedCart, PunchoutSession, SessionEvent, type OrderStatus, type SessionStatus,
} from './entities/index.ts'
import { RowMapper, type Statement } from './rows.ts'
import { knexSql, type Sql } from './sql.ts'

/**
 * Everything one punchout request changes, decided beforehand in plain code and written here in
 * one statement, together with the request's journal row (docs/architecture.md, "The write path").
 *
 * At most one gate: a write that must win a race. When the gate changes no row — a concurrent
 * first setup created the user first, or the session left the expected state (a start link
 * opened twice) — nothing of the plan is written, not even the journal row, and the caller
 * decides again.
 */
export interface WritePlan {
  /** Gate: a new buyer user, inserted only if no user has the unique name (nor, with `unlessEmail`, the email). */
  newUser?: { row: BuyerUser; unlessEmail?: string }
  /** Gate: a status change that applies only while the session is in one of `from`. */
  transition?: { sessionId: string; from: readonly SessionStatus[]; set: Partial<PunchoutSession>; startTokenHash?: string; validAt?: Date }
  newSession?: PunchoutSession
  /** A change that is not a gate: written only while the session is in one of `from`, if given. */
  sessionUpdate?: { sessionId: string; set: Partial<PunchoutSession>; from?: readonly SessionStatus[] }
  userUpdate?: { userId: string; set: Partial<BuyerUser> }
  /** Roles first seen in this request, waiting for an admin; a concurrent request may have created them. */
  pendingRoles?: CustomerRole[]
  events?: Array<Omit<SessionEvent, 'id'>>
  cart?: Cart
  /**
   * Gate: an order, inserted only if the customer has no order with its payloadID (nor, for a
   * `new`, its orderID). It references the plan's journal row, which holds the raw document.
   * With `supersede` (an update or a delete) the gate is the change of the order's current
   * versions instead: it opens only if one is still current when the write runs, so two
   * concurrent updates cannot both replace the same version (docs/cxml.md, "Updates one at a time").
   */
  newOrder?: {
    row: Omit<Order, 'journalEntryId'>
    lines: OrderLine[]
    attachments?: OrderAttachment[]
    supersede?: { from: readonly OrderStatus[]; status: OrderStatus }
  }
  /** Deliveries the write causes (docs/operations.md, "The outbox"): written with it, or not at all. */
  outbox?: OutboxMessage[]
  /** Gate: a cart prepared on behalf of the buyer, restored into `sessionId` only if no other setup took it first. */
  consumePreparedCart?: { id: string; sessionId: string; at: Date }
}

export type JournalRow = Omit<JournalEntry, 'id'>

/** A credential presented by a buyer system, and the customer it belongs to. */
export interface CredentialMatch {
  customerId: string
  secretHash: string
  customer: Customer
}

/** The user a setup request names (by unique name, email, or the stand-in) and the roles it asks for. */
export interface BuyerLookup {
  customerId: string
  uniqueName?: string
  /** Matched when no user has the unique name (policy matchByEmail). */
  email?: string
  unidentified: boolean
  roleKeys: readonly string[]
  /** Read the named user's newest unconsumed prepared cart too (a `create` setup restores it). */
  preparedCart?: true
}

export interface BuyerContext {
  user?: BuyerUser
  userByEmail?: BuyerUser
  roles: CustomerRole[]
  preparedCart?: PreparedCart
}

export interface StartContext {
  session: PunchoutSession
  customer: Customer
  user?: BuyerUser
}

/** What an OrderRequest's decision reads: its own payloadID, its orderID, the session its lines name. */
export interface OrderLookup {
  customerId: string
  payloadId: string
  orderId: string
  sessionId?: string
}

export interface OrderContext {
  /** The order stored under this payloadID: the request is a repeat. */
  samePayload?: Order
  /** Earlier documents of this orderID, newest first (by time, then journal order). */
  sameOrderId: Order[]
  /** The linked session (of this customer only) and its latest returned cart. */
  session?: PunchoutSession
  cart?: Cart
}

/** The reads and the one write of the hot paths (setup, start link, cart return). */
export interface PunchoutStore {
  credentials(protocol: 'cxml' | 'oci', presented: ReadonlyArray<{ domain: string; identity: string }>): Promise<CredentialMatch[]>
  buyer(lookup: BuyerLookup): Promise<BuyerContext>
  sessionByStartToken(tokenHash: string): Promise<StartContext | undefined>
  session(sessionId: string): Promise<{ session: PunchoutSession; customer: Customer } | undefined>
  orderContext(lookup: OrderLookup): Promise<OrderContext>
  /** Writes the plan and the journal row in one statement; false when the plan's gate did not open. */
  commit(plan: WritePlan, journal: JournalRow): Promise<boolean>
}

/** The PostgreSQL implementation (PGlite speaks the same SQL). */
export class SqlPunchoutStore implements PunchoutStore {
  private readonly sql: Sql
  private readonly map

  constructor(orm: MikroORM) {
    this.sql = knexSql(orm.em.getKnex())
    const meta = orm.getMetadata()
    this.map = {
      customer: new RowMapper<Customer>(meta.get('Customer')),
      user: new RowMapper<BuyerUser>(meta.get('BuyerUser')),
      role: new RowMapper<CustomerRole>(meta.get('CustomerRole')),
      session: new RowMapper<PunchoutSession>(meta.get('PunchoutSession')),
      event: new RowMapper<SessionEvent>(meta.get('SessionEvent')),
      cart: new RowMapper<Cart>(meta.get('Cart')),
      order: new RowMapper<Order>(meta.get('Order')),
      orderLine: new RowMapper<OrderLine>(meta.get('OrderLine')),
      journal: new RowMapper<JournalEntry>(meta.get('JournalEntry')),
      outbox: new RowMapper<OutboxMessage>(meta.get('OutboxMessage')),
      prepared: new RowMapper<PreparedCart>(meta.get('PreparedCart')),
    }
  }

  async credentials(protocol: 'cxml' | 'oci', presented: ReadonlyArray<{ domain: string; identity: string }>): Promise<CredentialMatch[]> {
    if (presented.length === 0) return []
    const pairs = presented.map(() => '(c.domain = ? and c.identity = ?)').join(' or ')
    const rows = await this.sql.rows<{ customer_id: string; secret_hash: string; customer: Record<string, unknown> }>(
      `select c.customer_id, c.secret_hash, row_to_json(cu) as customer
         from credentials c join customers cu on cu.id = c.customer_id
        where c.protocol = ? and c.revoked_at is null and (${pairs})`,
      [protocol, ...presented.flatMap((p) => [p.domain.toLowerCase(), p.identity])],
    )
    return rows.map((r) => ({ customerId: r.customer_id, secretHash: r.secret_hash, customer: this.map.customer.fromJson(r.customer) }))
  }

  async buyer(lookup: BuyerLookup): Promise<BuyerContext> {
    const params: unknown[] = [lookup.customerId]
    const named = lookup.unidentified ? 'u.unidentified' : 'u.unique_name = ? and not u.unidentified'
    if (!lookup.unidentified) params.push(lookup.uniqueName)
    let byEmail = 'null::json'
    if (lookup.email !== undefined && !lookup.unidentified) {
      byEmail = `(select row_to_json(u) from buyer_users u where u.customer_id = ? and u.email = ? and not u.unidentified order by u.created_at limit 1)`
      params.push(lookup.customerId, lookup.email)
    }
    let prepared = 'null::json'
    if (lookup.preparedCart && !lookup.unidentified) {
      prepared = `(select row_to_json(p) from prepared_carts p join buyer_users u on u.id = p.user_id
                    where u.customer_id = ? and u.unique_name = ? and not u.unidentified and p.consumed_at is null order by p.created_at desc limit 1)`
      params.push(lookup.customerId, lookup.uniqueName)
    }
    params.push(lookup.customerId, ...lookup.roleKeys)
    const [row] = await this.sql.rows<{ user: Record<string, unknown> | null; by_email: Record<string, unknown> | null; prepared: Record<string, unknown> | null; roles: Array<Record<string, unknown>> }>(
      `select (select row_to_json(u) from buyer_users u where u.customer_id = ? and ${named}) as "user",
              ${byEmail} as by_email,
              ${prepared} as prepared,
              (select coalesce(json_agg(row_to_json(r)), '[]'::json) from customer_roles r
                where r.customer_id = ? and r.name_key in (${lookup.roleKeys.map(() => '?').join(', ') || 'null'})) as roles`,
      params,
    )
    return {
      ...(row!.user ? { user: this.map.user.fromJson(row!.user) } : {}),
      ...(row!.by_email ? { userByEmail: this.map.user.fromJson(row!.by_email) } : {}),
      roles: row!.roles.map((r) => this.map.role.fromJson(r)),
      ...(row!.prepared ? { preparedCart: this.map.prepared.fromJson(row!.prepared) } : {}),
    }
  }

  async sessionByStartToken(tokenHash: string): Promise<StartContext | undefined> {
    const [row] = await this.sql.rows<{ session: Record<string, unknown>; customer: Record<string, unknown>; user: Record<string, unknown> | null }>(
      `select row_to_json(s) as session, row_to_json(c) as customer,
              case when u.id is null then null else row_to_json(u) end as "user"
         from punchout_sessions s join customers c on c.id = s.customer_id left join buyer_users u on u.id = s.user_id
        where s.start_token_hash = ?`,
      [tokenHash],
    )
    if (!row) return undefined
    return {
      session: this.map.session.fromJson(row.session),
      customer: this.map.customer.fromJson(row.customer),
      ...(row.user ? { user: this.map.user.fromJson(row.user) } : {}),
    }
  }

  async session(sessionId: string): Promise<{ session: PunchoutSession; customer: Customer } | undefined> {
    const [row] = await this.sql.rows<{ session: Record<string, unknown>; customer: Record<string, unknown> }>(
      `select row_to_json(s) as session, row_to_json(c) as customer
         from punchout_sessions s join customers c on c.id = s.customer_id where s.id = ?`,
      [sessionId],
    )
    return row ? { session: this.map.session.fromJson(row.session), customer: this.map.customer.fromJson(row.customer) } : undefined
  }

  async orderContext(lookup: OrderLookup): Promise<OrderContext> {
    const [row] = await this.sql.rows<{ same_payload: Record<string, unknown> | null; same_order: Array<Record<string, unknown>>; session: Record<string, unknown> | null; cart: Record<string, unknown> | null }>(
      `select (select row_to_json(o) from orders o where o.customer_id = ? and o.payload_id = ?) as same_payload,
              (select coalesce(json_agg(row_to_json(o) order by o.created_at desc, o.journal_entry_id desc), '[]'::json) from orders o where o.customer_id = ? and o.order_id = ?) as same_order,
              (select row_to_json(s) from punchout_sessions s where s.id = ? and s.customer_id = ?) as session,
              (select row_to_json(c) from carts c join punchout_sessions s on s.id = c.session_id
                where c.session_id = ? and s.customer_id = ? order by c.created_at desc limit 1) as cart`,
      [lookup.customerId, lookup.payloadId, lookup.customerId, lookup.orderId, lookup.sessionId ?? null, lookup.customerId, lookup.sessionId ?? null, lookup.customerId],
    )
    return {
      ...(row!.same_payload ? { samePayload: this.map.order.fromJson(row!.same_payload) } : {}),
      sameOrderId: row!.same_order.map((o) => this.map.order.fromJson(o)),
      ...(row!.session ? { session: this.map.session.fromJson(row!.session) } : {}),
      ...(row!.cart ? { cart: this.map.cart.fromJson(row!.cart) } : {}),
    }
  }

  async commit(plan: WritePlan, journal: JournalRow): Promise<boolean> {
    const statement = this.compose(plan, journal)
    const run = async (sql: Sql) => (await sql.rows<{ applied: number }>(statement.text, statement.params))[0]!.applied > 0
    if (plan.newOrder?.supersede) return this.commitSupersede(plan.newOrder.row, run)
    const email = plan.newUser?.unlessEmail
    if (email === undefined) return run(this.sql)
    // The unique constraint covers names only: first setups that share an email take turns on
    // it (a transaction lock), so the second sees the first's user. Paid only for new users.
    return this.sql.transaction(async (tx) => {
      await tx.rows('select pg_advisory_xact_lock(hashtext(?))', [`buyer-email:${plan.newUser!.row.customerId}:${email}`])
      return run(tx)
    })
  }

  /**
   * Updates and deletes of one order take turns (a transaction lock on the orderID), so each
   * statement starts after the previous one committed and supersedes the version it left
   * current; paid only for updates and deletes. The gate still decides: a version cancelled
   * meanwhile closes it. A payloadID taken meanwhile by another document fails the insert,
   * which rolls the whole statement back: the gate lost, intake decides again.
   */
  private async commitSupersede(order: Omit<Order, 'journalEntryId'>, run: (sql: Sql) => Promise<boolean>): Promise<boolean> {
    try {
      return await this.sql.transaction(async (tx) => {
        await tx.rows('select pg_advisory_xact_lock(hashtext(?))', [`order:${order.customerId}:${order.orderId}`])
        return run(tx)
      })
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false
      throw err
    }
  }

  /** `with g as (gate), w1 as (…), … select …`: data-modifying CTEs run as one atomic statement. */
  private compose(plan: WritePlan, journal: JournalRow): Statement {
    const gate = this.gate(plan)
    const gated = gate ? ' where exists (select 1 from g)' : ''
    const writes: Statement[] = []
    const { map } = this
    if (plan.newSession) writes.push(map.session.insert(plan.newSession, gated))
    const open = gate ? [GATE_OPEN] : []
    if (plan.sessionUpdate) {
      const { sessionId, set, from } = plan.sessionUpdate
      writes.push(update(map.session, sessionId, set, [...(from ? [statusIn(from)] : []), ...open]))
    }
    if (plan.userUpdate) writes.push(update(map.user, plan.userUpdate.userId, plan.userUpdate.set, open))
    for (const role of plan.pendingRoles ?? []) {
      const insert = map.role.insert(role, gated)
      writes.push({ text: `${insert.text} on conflict ("customer_id", "name_key") do nothing`, params: insert.params })
    }
    if (plan.events?.length) writes.push(this.events(plan.events, gated))
    if (plan.cart) writes.push(map.cart.insert(plan.cart, gated))
    if (plan.newOrder) writes.push(...this.orderWrites(plan.newOrder, gated))
    for (const message of plan.outbox ?? []) writes.push(map.outbox.insert(message, gated))
    const journalRow = map.journal.insert(journal, gated)
    writes.push(plan.newOrder ? withColumn(journalRow, 'id', JOURNAL_ID) : journalRow)
    // The order references its journal row: the row's id is drawn first and used by both.
    const drawn = plan.newOrder ? [{ name: 'j', text: `select nextval(pg_get_serial_sequence('journal_entries', 'id')) as id`, params: [] }] : []
    const ctes = [...drawn, ...(gate ? [{ name: 'g', ...gate }] : []), ...writes.map((w, i) => ({ name: `w${i}`, ...w }))]
    return {
      text: `with ${ctes.map((c) => `${c.name} as (${c.text})`).join(',\n')}\nselect ${gate ? '(select count(*) from g)::int' : '1'} as applied`,
      params: ctes.flatMap((c) => c.params),
    }
  }

  private gate(plan: WritePlan): Statement | undefined {
    if ([plan.newUser, plan.transition, plan.newOrder, plan.consumePreparedCart].filter(Boolean).length > 1) throw new Error('a write plan has at most one gate')
    if (plan.consumePreparedCart) {
      const { id, sessionId, at } = plan.consumePreparedCart
      const claim = update(this.map.prepared, id, { consumedAt: at, consumedBySessionId: sessionId }, [{ text: '"consumed_at" is null', params: [] }])
      return { text: `${claim.text} returning 1`, params: claim.params }
    }
    if (plan.newOrder?.supersede) {
      const { row, supersede } = plan.newOrder
      const current = statusIn(supersede.from)
      return {
        text: `update "orders" set "status" = ? where "customer_id" = ? and "order_id" = ? and ${current.text} returning 1`,
        params: [supersede.status, row.customerId, row.orderId, ...current.params],
      }
    }
    if (plan.newOrder) {
      const insert = withColumn(this.map.order.insert(plan.newOrder.row), 'journal_entry_id', JOURNAL_ID)
      // No conflict target: a repeated payloadID and a second `new` of one orderID both lose.
      return { text: `${insert.text} on conflict do nothing returning 1`, params: insert.params }
    }
    if (plan.newUser) {
      const { row, unlessEmail } = plan.newUser
      const insert = this.map.user.insert(row, unlessEmail === undefined ? '' : ' where not exists (select 1 from buyer_users e where e.customer_id = ? and e.email = ? and not e.unidentified)')
      return {
        text: `${insert.text} on conflict ("customer_id", "unique_name") do nothing returning 1`,
        params: unlessEmail === undefined ? insert.params : [...insert.params, row.customerId, unlessEmail],
      }
    }
    if (plan.transition) {
      const t = plan.transition
      const conditions = [statusIn(t.from)]
      if (t.startTokenHash !== undefined) conditions.push({ text: '"start_token_hash" = ?', params: [t.startTokenHash] })
      if (t.validAt !== undefined) conditions.push({ text: '"start_expires_at" > ?', params: [t.validAt] })
      const claim = update(this.map.session, t.sessionId, t.set, conditions)
      return { text: `${claim.text} returning 1`, params: claim.params }
    }
    return undefined
  }

  /** The order's lines, and the earlier versions it replaces or cancels. */
  private orderWrites(order: NonNullable<WritePlan['newOrder']>, gated: string): Statement[] {
    const writes: Statement[] = []
    if (order.lines.length) {
      writes.push({
        text: `insert into "order_lines" ("id", "order_id", "position", "line_number", "quantity", "sku", "auxiliary_id", "unit_price", "currency", "description", "unit_of_measure", "classification")
               select l.id, l.order_id, l.position, l.line_number, l.quantity, l.sku, l.auxiliary_id, l.unit_price, l.currency, l.description, l.unit_of_measure, l.classification
                 from jsonb_to_recordset(?::jsonb) as l(id uuid, order_id uuid, position int, line_number int, quantity numeric, sku text, auxiliary_id text, unit_price numeric, currency text, description text, unit_of_measure text, classification jsonb)${gated}`,
        params: [JSON.stringify(order.lines.map((l) => ({
          id: l.id, order_id: l.orderId, position: l.position, line_number: l.lineNumber ?? null, quantity: l.quantity, sku: l.sku, auxiliary_id: l.auxiliaryId ?? null,
          unit_price: l.unitPrice ?? null, currency: l.currency ?? null, description: l.description ?? null, unit_of_measure: l.unitOfMeasure ?? null, classification: l.classification ?? null,
        })))],
      })
    }
    // Superseding, the order row is not the gate: inserted once the gate opened.
    if (order.supersede) writes.unshift(withColumn(this.map.order.insert(order.row, gated), 'journal_entry_id', JOURNAL_ID))
    if (order.attachments?.length) writes.push(attachmentsInsert(order.attachments, gated))
    return writes
  }

  private events(events: Array<Omit<SessionEvent, 'id'>>, gated: string): Statement {
    return {
      text: `insert into "session_events" ("session_id", "at", "type", "data")
             select e.session_id, e.at, e.type, e.data
               from jsonb_to_recordset(?::jsonb) as e(session_id uuid, at timestamptz, type text, data jsonb)${gated}`,
      params: [JSON.stringify(events.map((e) => ({ session_id: e.sessionId, at: e.at.toISOString(), type: e.type, data: e.data })))],
    }
  }
}

/** `update t set … where "id" = ? and …conditions`. */
function update<T extends object>(mapper: RowMapper<T>, id: string, set: Partial<T>, conditions: Statement[]): Statement {
  const assignments = mapper.assignments(set)
  return {
    text: `update "${mapper.table}" set ${assignments.text} where "id" = ?${conditions.map((c) => ` and ${c.text}`).join('')}`,
    params: [...assignments.params, id, ...conditions.flatMap((c) => c.params)],
  }
}

const statusIn = (from: readonly string[]): Statement => ({ text: `"status" in (${from.map(() => '?').join(', ')})`, params: [...from] })

/** The journal row id drawn before an order's statement (the `j` expression). */
const JOURNAL_ID = '(select id from j)'

/** An insert from RowMapper with one more column, set to an SQL expression. */
function withColumn(insert: Statement, column: string, expression: string): Statement {
  const text = insert.text.replace(/^(insert into "[^"]+" \()/, `$1"${column}", `).replace(') select ', `) select ${expression}, `)
  return { text, params: insert.params }
}

/** Several parts in one insert; the content travels as base64 inside the JSON parameter. */
function attachmentsInsert(attachments: readonly OrderAttachment[], gated: string): Statement {
  return {
    text: `insert into "order_attachments" ("id", "order_id", "content_id", "file_name", "content_type", "size", "sha256", "content")
           select a.id, a.order_id, a.content_id, a.file_name, a.content_type, a.size, a.sha256, decode(a.content, 'base64')
             from jsonb_to_recordset(?::jsonb) as a(id uuid, order_id uuid, content_id text, file_name text, content_type text, size int, sha256 text, content text)${gated}`,
    params: [JSON.stringify(attachments.map((a) => ({
      id: a.id, order_id: a.orderId, content_id: a.contentId ?? null, file_name: a.fileName ?? null, content_type: a.contentType, size: a.size, sha256: a.sha256, content: a.content.toString('base64'),
    })))],
  }
}

const UNIQUE_VIOLATION = '23505'

/** Every write but the gate is conditional on it. */
const GATE_OPEN: Statement = { text: 'exists (select 1 from g)', params: [] }
