import type { EntityMetadata, EntityProperty } from '@mikro-orm/core'

/** How one entity property is stored: its column, and how a value crosses to and from SQL. */
interface Column {
  prop: string
  column: string
  kind: 'json' | 'date' | 'decimal' | 'bytes' | 'plain'
  scale?: number
}

function columnOf(prop: EntityProperty): Column {
  const type = String(prop.type).toLowerCase()
  const columnType = String(prop.columnTypes?.[0] ?? '').toLowerCase()
  const kind =
    type === 'json' || columnType === 'jsonb' ? 'json'
      : type === 'date' || columnType.startsWith('timestamp') ? 'date'
        : type === 'decimal' || columnType.startsWith('numeric') ? 'decimal'
          : type === 'blob' || columnType === 'bytea' ? 'bytes'
            : 'plain'
  return { prop: prop.name, column: prop.fieldNames[0]!, kind, ...(prop.scale !== undefined ? { scale: prop.scale } : {}) }
}

/**
 * Maps an entity's properties to its columns, read from the ORM's metadata so hand-written SQL
 * follows the entity definitions (and the migrations the drift test holds them to).
 */
export class RowMapper<T extends object> {
  readonly table: string
  private readonly byProp = new Map<string, Column>()
  private readonly byColumn = new Map<string, Column>()

  constructor(meta: EntityMetadata<T>) {
    this.table = meta.tableName
    for (const prop of Object.values(meta.properties) as EntityProperty[]) {
      if (!prop.fieldNames?.length) continue
      const column = columnOf(prop)
      this.byProp.set(prop.name, column)
      this.byColumn.set(column.column, column)
    }
  }

  /** `insert into t (…) select ?, ?::jsonb …` — a SELECT, so a gate can be appended as WHERE. */
  insert(row: Partial<T>, where = ''): Statement {
    const bound = this.bind(row)
    return {
      text: `insert into "${this.table}" (${bound.map((b) => `"${b.column}"`).join(', ')}) select ${bound.map((b) => b.placeholder).join(', ')}${where}`,
      params: bound.map((b) => b.param),
    }
  }

  /** `"col" = ?, …` for an UPDATE. */
  assignments(set: Partial<T>): Statement {
    const bound = this.bind(set)
    return { text: bound.map((b) => `"${b.column}" = ${b.placeholder}`).join(', '), params: bound.map((b) => b.param) }
  }

  /** The defined properties of `row` as columns, placeholders and bind parameters. */
  private bind(row: Partial<T>): Array<{ column: string; placeholder: string; param: unknown }> {
    return Object.entries(row)
      .filter(([, value]) => value !== undefined)
      .map(([prop, value]) => {
        const column = this.column(prop)
        return { column: column.column, placeholder: PLACEHOLDERS[column.kind] ?? '?', param: toSql(column, value) }
      })
  }

  /** A row read as `row_to_json(t)`: columns back to properties, timestamps to Date, decimals to text. */
  fromJson(json: Record<string, unknown>): T {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(json)) {
      const column = this.byColumn.get(key)
      if (!column) continue
      out[column.prop] = fromJson(column, value)
    }
    return out as T
  }

  private column(prop: string): Column {
    const column = this.byProp.get(prop)
    if (!column) throw new Error(`${this.table} has no property ${prop}`)
    return column
  }
}

export interface Statement {
  text: string
  params: unknown[]
}

/**
 * Bytes travel as base64 text, decoded by the database: the embedded database's driver turns a
 * binary parameter into hex one byte at a time (a 4 MiB body: a second and a half of the event
 * loop and as much garbage), where Buffer's own base64 takes milliseconds — and is a third
 * shorter than hex for the driver's per-character pass over every text parameter.
 */
const PLACEHOLDERS: Partial<Record<Column['kind'], string>> = { json: '?::jsonb', bytes: "decode(?, 'base64')" }

function toSql(column: Column, value: unknown): unknown {
  if (value === null) return null
  if (column.kind === 'bytes') return (Buffer.isBuffer(value) ? value : Buffer.from(value as Uint8Array)).toString('base64')
  return column.kind === 'json' ? JSON.stringify(value) : value
}

function fromJson(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null
  if (column.kind === 'date') return new Date(value as string)
  // row_to_json writes numerics as JSON numbers; the ORM reads them as text with their scale.
  if (column.kind === 'decimal') return column.scale === undefined ? String(value) : Number(value).toFixed(column.scale)
  return value
}
