import { PunchgateError } from '../../errors/index.ts'

/**
 * The position after the last row of a page: its sort key (time, id), opaque to clients.
 * The time is kept as PostgreSQL printed it, to the microsecond, so that no row between two
 * timestamps a JavaScript Date cannot tell apart is skipped or shown twice.
 */
export interface Keyset {
  at: string
  id: string
}

export type CursorKind = 'sessions' | 'requests' | 'audit'

/** Journal times come printed by PostgreSQL (microseconds); the audit log's from a Date (milliseconds). */
const MICROSECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const MILLISECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
const BIGINT_ID = /^\d{1,19}$/
const KEYS: Record<CursorKind, { at: RegExp; id: RegExp }> = {
  sessions: { at: MICROSECONDS, id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ },
  requests: { at: MICROSECONDS, id: BIGINT_ID },
  audit: { at: MILLISECONDS, id: BIGINT_ID },
}

export const encodeCursor = (kind: CursorKind, key: Keyset): string =>
  Buffer.from(JSON.stringify([kind, key.at, key.id])).toString('base64url')

/** The keyset a cursor carries; PG_ERR_API_VALIDATION for anything this API did not hand out. */
export function decodeCursor(kind: CursorKind, cursor: string): Keyset {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  if (Array.isArray(parsed) && parsed.length === 3 && parsed[0] === kind && KEYS[kind].at.test(String(parsed[1])) && KEYS[kind].id.test(String(parsed[2]))) {
    return { at: parsed[1], id: parsed[2] }
  }
  throw new PunchgateError('PG_ERR_API_VALIDATION', `The cursor is not one this list returned; pass the nextCursor of the previous page of ${kind}.`)
}
