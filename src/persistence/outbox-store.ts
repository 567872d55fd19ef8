import type { MikroORM } from '@mikro-orm/postgresql'
import { OutboxMessage, type OutboxState } from './entities/index.ts'
import { RowMapper } from './rows.ts'
import { knexSql, type Sql } from './sql.ts'

/** What one delivery attempt came to; `pending` waits until `nextAttemptAt`. */
export interface OutboxResult {
  state: OutboxState
  at: Date
  nextAttemptAt?: Date
  error?: string
  httpStatus?: number
  cxmlStatus?: number
}

/** The outbox's reads and writes (docs/operations.md, "The outbox"); the worker is src/domain/outbox. */
export interface OutboxStore {
  /**
   * Claims up to `limit` pending messages due at `now`, oldest first: their attempt is counted and
   * their next attempt moved to `leaseUntil`, in one statement that skips rows another replica is
   * claiming (`for update skip locked`). A claimed row is no one else's until its lease ends.
   */
  claim(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessage[]>
  /** Records the result of the claim that counted attempt `attempt`; a later claim's result wins. */
  record(id: string, attempt: number, result: OutboxResult): Promise<void>
  /** How many messages wait for delivery. */
  pending(): Promise<number>
  /** The customer's order-status secret as stored (sealed), or null when it has none. */
  orderStatusSecret(customerId: string): Promise<string | null>
}

export class SqlOutboxStore implements OutboxStore {
  private readonly sql: Sql
  private readonly map: RowMapper<OutboxMessage>

  constructor(orm: MikroORM) {
    this.sql = knexSql(orm.em.getKnex())
    this.map = new RowMapper<OutboxMessage>(orm.getMetadata().get('OutboxMessage'))
  }

  async claim(now: Date, leaseUntil: Date, limit: number): Promise<OutboxMessage[]> {
    const rows = await this.sql.rows<{ message: Record<string, unknown> }>(
      `update outbox_messages m set attempts = m.attempts + 1, next_attempt_at = ?
         from (select id from outbox_messages where state = 'pending' and next_attempt_at <= ?
                order by next_attempt_at, created_at limit ? for update skip locked) due
        where m.id = due.id
       returning row_to_json(m) as message`,
      [leaseUntil, now, limit],
    )
    return rows.map((r) => this.map.fromJson(r.message))
  }

  async record(id: string, attempt: number, result: OutboxResult): Promise<void> {
    await this.sql.rows(
      `update outbox_messages set state = ?, next_attempt_at = coalesce(?, next_attempt_at), last_error = ?, last_status = ?, cxml_status = ?,
              delivered_at = ?
        where id = ? and attempts = ? and state = 'pending'`,
      [result.state, result.nextAttemptAt ?? null, result.error ?? null, result.httpStatus ?? null, result.cxmlStatus ?? null,
        result.state === 'delivered' ? result.at : null, id, attempt],
    )
  }

  async pending(): Promise<number> {
    const [row] = await this.sql.rows<{ n: number }>(`select count(*)::int as n from outbox_messages where state = 'pending'`)
    return row!.n
  }

  async orderStatusSecret(customerId: string): Promise<string | null> {
    const [row] = await this.sql.rows<{ sealed: string | null }>('select order_status_secret as sealed from customers where id = ?', [customerId])
    return row?.sealed ?? null
  }
}
