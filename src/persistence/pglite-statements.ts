import { setImmediate } from 'node:timers/promises'
import type { PGlite } from '@electric-sql/pglite'

/**
 * Counts the SQL statements in a string, ignoring `;` inside quotes, identifiers and comments.
 *
 * Why: the PGlite knex dialect sends any raw query whose text contains a `;` to `exec()` as a
 * multi-statement batch, and MikroORM's batch inserts inline their values into raw SQL — so a
 * buyer's "Müller; Hans" turned one insert into a "batch" whose result shape MikroORM cannot
 * read (a 500). Only a real batch may go to `exec()`.
 */
export function countStatements(sql: string): number {
  let count = 0
  let pending = false
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c)
      pending = true
      i = end
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i)
      i = nl === -1 ? sql.length : nl
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 1
    } else if (c === ';') {
      if (pending) count++
      pending = false
    } else if (!/\s/.test(c)) {
      pending = true
    }
  }
  return count + (pending ? 1 : 0)
}

function closingQuote(sql: string, start: number, quote: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++
      else return i
    }
  }
  return sql.length
}

/**
 * The embedded database as the ORM's connection: exec() runs a single statement as a plain query,
 * the shape MikroORM expects, and every statement first yields to the event loop.
 *
 * Why the yield: PGlite runs each statement synchronously, on this thread, inside a promise job.
 * Under load the next statement's job is always already queued, so the microtask queue never
 * drains and the event loop never reaches the network: measured at 50 connections of setups, the
 * event loop's delay averaged 270 ms and a setup's p99 reached 1.9 s (with the yield: 11 ms, 0.5 s).
 * One setImmediate before each statement lets sockets be read and answers be written in between.
 */
export function embeddedConnection(pglite: PGlite): PGlite {
  return new Proxy(pglite, {
    get(target, prop, receiver) {
      if (prop === 'exec') {
        return async (sql: string, options?: unknown) => {
          await setImmediate()
          return countStatements(sql) <= 1 ? target.query(sql, [], options as never) : target.exec(sql, options as never)
        }
      }
      if (prop === 'query') {
        return async (...args: Parameters<PGlite['query']>) => {
          await setImmediate()
          return target.query(...args)
        }
      }
      const value = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
