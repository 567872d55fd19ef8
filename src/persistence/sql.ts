import type { Knex } from '@mikro-orm/postgresql'

/**
 * Hand-written SQL on the ORM's own connection pool, with real bind parameters: `?` in the text,
 * values sent apart from it (PostgreSQL's extended protocol), never spliced into the statement.
 * The hot paths use it to decide in code and then write once (docs/architecture.md, "The write path").
 */
export interface Sql {
  rows<T>(text: string, params?: readonly unknown[]): Promise<T[]>
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>
}

export function knexSql(knex: Knex | Knex.Transaction): Sql {
  return {
    async rows<T>(text: string, params: readonly unknown[] = []) {
      const result = (await knex.raw(text, params as Knex.RawBinding[])) as { rows: T[] }
      return result.rows
    },
    transaction: (work) => knex.transaction((trx) => work(knexSql(trx))),
  }
}
