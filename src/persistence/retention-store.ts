import type { Knex, MikroORM } from '@mikro-orm/postgresql'
import { knexSql, type Sql } from './sql.ts'

/** The advisory lock that lets one process at a time run retention on a shared PostgreSQL. */
export const RETENTION_LOCK = 'punchgate:retention'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * One bounded batch of each purge. Each is one statement (autocommit: its row locks last only
 * that long) and answers how many rows it changed; a caller loops until a batch comes back short.
 */
export interface RetentionBatches {
  /**
   * Journal entries older than their customer's retention (entries without a customer:
   * `defaultDays`) lose their request and response bodies and the query string of their path;
   * the row stays, marked with `purgedAt`.
   */
  purgeJournal(now: Date, defaultDays: number, limit: number): Promise<number>
  /** Carts older than their customer's retention lose the document sent on; the lines stay. */
  purgeCarts(now: Date, limit: number): Promise<number>
  /** Outbox messages delivered or dead, older than their customer's retention, lose their body. */
  purgeOutbox(now: Date, limit: number): Promise<number>
  /** Single-use keys whose `expires_at` has passed: the value they guard is expired anyway. */
  deleteSpentKeys(now: Date, limit: number): Promise<number>
}

export interface RetentionStore {
  /** Runs `work` unless another process runs retention now (then: undefined, nothing done). */
  exclusively<T>(work: (batches: RetentionBatches) => Promise<T>): Promise<T | undefined>
}

export class SqlRetentionStore implements RetentionStore {
  private readonly knex: Knex

  constructor(orm: MikroORM, private readonly embedded: boolean) {
    this.knex = orm.em.getKnex()
  }

  async exclusively<T>(work: (batches: RetentionBatches) => Promise<T>): Promise<T | undefined> {
    // An embedded database has one process (the DATA_DIR lock), and its one connection must stay
    // free between batches for the requests: no lock, batches through the pool.
    if (this.embedded) return work(sqlBatches(knexSql(this.knex)))
    // A session-level advisory lock lives on one connection: hold one for the whole run, and run
    // the batches on it too, each committing on its own.
    const connection: unknown = await this.knex.client.acquireConnection()
    try {
      const sql = onConnection(this.knex, connection)
      const [row] = await sql.rows<{ locked: boolean }>('select pg_try_advisory_lock(hashtext(?)) as locked', [RETENTION_LOCK])
      if (!row!.locked) return undefined
      try {
        return await work(sqlBatches(sql))
      } finally {
        await sql.rows('select pg_advisory_unlock(hashtext(?))', [RETENTION_LOCK])
      }
    } finally {
      await this.knex.client.releaseConnection(connection)
    }
  }
}

/** Statements on one given connection, outside any transaction. */
function onConnection(knex: Knex, connection: unknown): Sql {
  return {
    async rows<T>(text: string, params: readonly unknown[] = []) {
      const result = (await knex.raw(text, params as Knex.RawBinding[]).connection(connection)) as { rows: T[] }
      return result.rows
    },
    transaction: () => {
      throw new Error('retention runs without transactions')
    },
  }
}

const count = async (sql: Sql, text: string, params: unknown[]): Promise<number> =>
  (await sql.rows<{ n: number }>(text, params))[0]!.n

function sqlBatches(sql: Sql): RetentionBatches {
  return {
    // Per customer, an index range scan of journal_entries_unpurged_index (customer, at) below its
    // own cutoff; purged rows leave that partial index, so no run reads them again.
    purgeJournal: (now, defaultDays, limit) =>
      count(sql, `
        with due as (
          (select j.id from customers c cross join lateral (
             select e.id from journal_entries e
              where e.customer_id = c.id and e.payload_purged_at is null
                and e.at < ?::timestamptz - make_interval(days => c.retention_days)
              limit ?) j)
          union all
          (select e.id from journal_entries e
            where e.customer_id is null and e.payload_purged_at is null and e.at < ? limit ?)
          limit ?),
        purged as (
          update journal_entries j set request_body = null, response_body = null,
                 path = split_part(j.path, ?, 1), payload_purged_at = ?
            from due where j.id = due.id returning 1)
        select count(*)::int as n from purged`,
      [now, limit, new Date(now.getTime() - defaultDays * DAY_MS), limit, limit, '?', now]),
    // Carts have no customer column: the partial index by age bounds the scan to carts not yet
    // purged and older than the shortest possible retention (one day).
    purgeCarts: (now, limit) =>
      count(sql, `
        with due as (
          select c.id from carts c
            join punchout_sessions s on s.id = c.session_id
            join customers cu on cu.id = s.customer_id
           where c.payload_purged_at is null and c.created_at < ?
             and c.created_at < ?::timestamptz - make_interval(days => cu.retention_days)
           limit ?),
        purged as (update carts c set document = null, payload_purged_at = ? from due where c.id = due.id returning 1)
        select count(*)::int as n from purged`,
      [new Date(now.getTime() - DAY_MS), now, limit, now]),
    // Pending messages are never purged (they still have to go out): the partial index leaves them out.
    purgeOutbox: (now, limit) =>
      count(sql, `
        with due as (
          select m.id from outbox_messages m
            join customers cu on cu.id = m.customer_id
           where m.payload_purged_at is null and m.state <> 'pending' and m.created_at < ?
             and m.created_at < ?::timestamptz - make_interval(days => cu.retention_days)
           limit ?),
        purged as (update outbox_messages m set body = null, payload_purged_at = ? from due where m.id = due.id returning 1)
        select count(*)::int as n from purged`,
      [new Date(now.getTime() - DAY_MS), now, limit, now]),
    deleteSpentKeys: (now, limit) =>
      count(sql, `
        with gone as (
          delete from single_use_keys where key in (select key from single_use_keys where expires_at < ? limit ?) returning 1)
        select count(*)::int as n from gone`,
      [now, limit]),
  }
}
