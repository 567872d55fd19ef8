import type { Statement } from '../../persistence/rows.ts'
import type { Keyset } from './cursor.ts'

/**
 * One page of a list ordered newest first by (time, id), built so that every filter can walk an
 * index in that order and stop after `limit` rows (docs/performance.md, "The journal's lists"):
 * the position of the previous page is a row comparison `(time, id) < (…)` — an index
 * condition, not an offset to count past.
 */
export interface KeysetQuery {
  /** `select … from <table> <alias>`; the columns include `cursor_at` (cursorAt) and `id`. */
  select: string
  alias: string
  /** The time column the list is ordered by, with `id` breaking ties. */
  time: string
  /** The SQL type of the id column, for the cursor's bound value. */
  idType: 'uuid' | 'bigint'
  conditions: Statement[]
  /** A uuid column and the values it may have; rows match one of them. None: no such condition. */
  oneOf?: { column: string; values: readonly string[] }
}

/** The time column as the cursor keeps it: UTC, to the microsecond. */
export const cursorAt = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

export function keysetPage(q: KeysetQuery, after: Keyset | undefined, limit: number): Statement {
  const { alias: a, time, oneOf } = q
  const conditions = [...q.conditions]
  if (after) conditions.push({ text: `(${a}.${time}, ${a}.id) < (?::timestamptz, ?::${q.idType})`, params: [after.at, after.id] })
  const order = (x: string) => `order by ${x}.${time} desc, ${x}.id desc`
  const where = (extra: Statement[]) => {
    const all = [...conditions, ...extra]
    return { text: all.length ? ` where ${all.map((c) => c.text).join(' and ')}` : '', params: all.flatMap((c) => c.params) }
  }
  if (!oneOf || oneOf.values.length === 1) {
    const w = where(oneOf ? [oneOfCondition(`${a}.${oneOf.column}`, oneOf.values)] : [])
    return { text: `${q.select}${w.text} ${order(a)} limit ?`, params: [...w.params, limit] }
  }
  // Several values: one ordered index walk per value, each stopping at `limit`, merged. A single
  // `column = any(…)` would read every row of those values and sort them all.
  const w = where([{ text: `${a}.${oneOf.column} = k.value::uuid`, params: [] }])
  return {
    text: `select x.* from jsonb_array_elements_text(?::jsonb) as k(value)
           cross join lateral (${q.select}${w.text} ${order(a)} limit ?) x ${order('x')} limit ?`,
    params: [JSON.stringify(oneOf.values), ...w.params, limit, limit],
  }
}

/** `column` is one of `values` (uuids), as a plain condition: when another column is the one walked per value. */
export const oneOfCondition = (column: string, values: readonly string[]): Statement =>
  values.length === 1
    ? { text: `${column} = ?::uuid`, params: [values[0]] }
    : { text: `${column} in (select jsonb_array_elements_text(?::jsonb)::uuid)`, params: [JSON.stringify(values)] }
