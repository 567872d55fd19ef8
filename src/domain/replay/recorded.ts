import { parse as parseQuery } from 'node:querystring'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import { knexSql, type Sql } from '../../persistence/sql.ts'
import { parseCxmlRequest } from '../../protocols/cxml/parse.ts'
import { parseOciLogin, type OciLogin } from '../../protocols/oci/index.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import { resolveOciProductId } from '../carts/background.ts'
import { authenticateCxml, authenticateOci } from '../customers/authenticate.ts'
import type { Deps } from '../deps.ts'
import { UUID } from '../journal/scope.ts'
import { SecretHasher } from '../security/secrets.ts'
import { cxmlSetupInput, ociSetupInput } from '../sessions/setup-input.ts'
import type { SetupInput } from '../sessions/setup.ts'

/** A session as replay reads it: what happened then, and the setup request it was created by. */
export interface RecordedSetup {
  session: {
    id: string
    customerId: string
    protocol: 'cxml' | 'oci'
    status: string
    failureCode: string | null
    failureText: string | null
    userId: string | null
  }
  /** The session's timeline: what happened then. */
  events: Array<{ type: string; data: Record<string, unknown> }>
  /** The journal row of the setup request (of the original session, for a replay of a replay). */
  request: { id: string; method: string; path: string; contentType: string | null; body: Buffer }
}

/** The recorded request read again by today's parser, and the customer its credential names today. */
export type ReplayRequest =
  | { input: SetupInput; backgroundCall: boolean }
  | { refusal: PunchgateError; step: 'credential' | 'parse' }

/** Replay walks at most this many links from a replay back to the request it replays. */
const MAX_REPLAY_DEPTH = 20

/**
 * The session, its timeline and its recorded setup request. PG_ERR_SESSION_NOT_FOUND also for a
 * session outside the actor's scope; PG_ERR_REPLAY_UNAVAILABLE when the request is not kept.
 */
export async function recordedSetup(em: SqlEntityManager, actor: Actor, sessionId: string): Promise<RecordedSetup> {
  const sql = knexSql(em.getKnex())
  const notFound = new PunchgateError('PG_ERR_SESSION_NOT_FOUND', `No punchout session ${sessionId}.`)
  if (!UUID.test(sessionId)) throw notFound
  const [row] = await sql.rows<{ id: string; customer_id: string; protocol: 'cxml' | 'oci'; status: string; failure_code: string | null; failure_text: string | null; user_id: string | null; replay_of: string | null }>(
    'select id, customer_id, protocol, status, failure_code, failure_text, user_id, replay_of from punchout_sessions where id = ?',
    [sessionId.toLowerCase()],
  )
  if (!row || !actorMaySee(actor, row.customer_id)) throw notFound
  const events = await sql.rows<{ type: string; data: Record<string, unknown> }>('select type, data from session_events where session_id = ? order by at, id', [row.id])
  return {
    session: { id: row.id, customerId: row.customer_id, protocol: row.protocol, status: row.status, failureCode: row.failure_code, failureText: row.failure_text, userId: row.user_id },
    events,
    request: await setupRequestOf(sql, row.id, row.replay_of),
  }
}

/** The protocol request that created the session; a replay's is the one of the session it replays. */
async function setupRequestOf(sql: Sql, sessionId: string, replayOf: string | null): Promise<RecordedSetup['request']> {
  let id = sessionId
  let parent = replayOf
  for (let depth = 0; depth < MAX_REPLAY_DEPTH; depth++) {
    const [request] = await sql.rows<{ id: string; method: string; path: string; content_type: string | null; request_body: Uint8Array | null; payload_purged_at: Date | null }>(
      `select id::text as id, method, path, content_type, request_body, payload_purged_at from journal_entries
        where session_id = ? and channel in ('cxml', 'oci') and path like '/punchout/%' order by id limit 1`,
      [id],
    )
    if (request) {
      if (request.request_body === null || request.payload_purged_at !== null) {
        throw new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', "The session's setup request was purged (the customer's retention period passed), so it cannot be replayed.")
      }
      return { id: request.id, method: request.method, path: request.path, contentType: request.content_type, body: Buffer.from(request.request_body) }
    }
    if (!parent) break
    id = parent
    parent = (await sql.rows<{ replay_of: string | null }>('select replay_of from punchout_sessions where id = ?', [parent]))[0]?.replay_of ?? null
  }
  throw new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', 'No setup request is recorded for this session, so it cannot be replayed.')
}

/**
 * The redacted secret cannot be checked, so replay authenticates with a hasher that accepts it:
 * everything else of authentication — which credential, whether it is still active, one
 * customer — is decided by the same code as a live request.
 */
export class RedactedSecret extends SecretHasher {
  constructor() {
    super(Buffer.alloc(32))
  }

  override verify(): boolean {
    return true
  }
}

/**
 * Reads the recorded request again with today's parser and finds its customer by today's
 * credentials (docs/api.md, "Replay"). A refusal here is part of the answer, not an error.
 */
export async function replayRequest(deps: Deps, em: SqlEntityManager, recorded: RecordedSetup): Promise<ReplayRequest> {
  const unchecked: Deps = { ...deps, hasher: new RedactedSecret() }
  let step: 'credential' | 'parse' = 'parse'
  try {
    if (recorded.session.protocol === 'cxml') {
      const doc = parseCxmlRequest(recorded.request.body, recorded.request.contentType ?? undefined)
      if (doc.request.kind !== 'PunchOutSetupRequest') throw notASetup()
      step = 'credential'
      const customer = await authenticateCxml(unchecked, doc.envelope.header.from, { credentials: doc.envelope.header.sender, sharedSecret: '', usesUnsupportedAuthentication: false })
      return { input: cxmlSetupInput(doc, doc.request, customer), backgroundCall: false }
    }
    const login = parseRecordedOci(recorded.request)
    step = 'credential'
    const customer = await authenticateOci(unchecked, login.username, '')
    return { input: await ociInput(em, login, customer), backgroundCall: login.function === 'VALIDATE' || login.function === 'BACKGROUND_SEARCH' }
  } catch (err) {
    if (!isPunchgateError(err) || err.code === 'PG_ERR_REPLAY_UNAVAILABLE') throw err
    return { refusal: err, step }
  }
}

const notASetup = () => new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', 'The recorded request is not a punchout setup request, so it cannot be replayed as one.')

/**
 * The OCI call as journaled (src/http/routes/oci.ts): a GET's query; a POST's query (when it had
 * one, its path shows it), a line break, then the form body.
 */
function parseRecordedOci(request: RecordedSetup['request']): OciLogin {
  if (request.method === 'GET') return parseOciLogin({}, request.body)
  const hadQuery = request.path.includes('?')
  const text = request.body.toString('latin1')
  const cut = hadQuery ? text.indexOf('\n') : -1
  const query = hadQuery ? (cut === -1 ? text : text.slice(0, cut)) : ''
  const body = hadQuery ? (cut === -1 ? Buffer.alloc(0) : request.body.subarray(cut + 1)) : request.body
  return parseOciLogin(parseQuery(query) as Record<string, string | string[]>, body, request.contentType ?? undefined)
}

async function ociInput(em: SqlEntityManager, login: OciLogin, customer: SetupInput['customer']): Promise<SetupInput> {
  switch (login.function) {
    case undefined:
      return ociSetupInput(login, customer, 'create')
    case 'DETAIL':
      return ociSetupInput(login, customer, 'create', await resolveOciProductId(em, customer.id, login.productId!))
    case 'SOURCING':
      return ociSetupInput(login, customer, 'source')
    case 'VALIDATE':
    case 'BACKGROUND_SEARCH':
      return { ...ociSetupInput(login, customer, 'create'), withoutStartLink: true }
    default:
      throw notASetup()
  }
}
