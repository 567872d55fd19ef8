import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import type { SessionGrant } from '../../persistence/entities/index.ts'
import type { JournalRow } from '../../persistence/punchout-store.ts'
import { audit, type Actor } from '../audit/audit.ts'
import type { Deps } from '../deps.ts'
import { commitSetup, setupSession, SetupRefused, type SetupOutcome } from '../sessions/setup.ts'
import { recordedSetup, replayRequest, type RecordedSetup, type ReplayRequest } from './recorded.ts'
import { diff, readStep, SETUP_STEPS, type StepDiff, type StepReading, type TimelineEvent } from './steps.ts'

/** What a setup led to, then or now. */
export interface SetupVerdict {
  outcome: 'provisioned' | 'refused' | 'other'
  /** The session's status then (it may have moved on since setup: started, cart returned...). */
  status?: string
  code?: string
  text?: string
  user?: string
  roles?: Array<{ key: string; status: string; permissions: string[] }>
  permissions?: string[]
}

export interface SetupDryRun {
  mode: 'dry-run'
  sessionId: string
  protocol: 'cxml' | 'oci'
  /** The recorded request replayed (its journal entry). */
  requestId: string
  /** Always false: the journal keeps the secret redacted (docs/api.md, "Replay"). */
  secretChecked: false
  note: string
  then: SetupVerdict
  now: SetupVerdict
  steps: StepDiff[]
}

const NOTE = 'The shared secret or password is not checked again: the journal keeps it redacted. The credential must still exist and be active. Nothing was written.'

/** A commit that writes nothing and always succeeds: a dry run decides exactly as a live request. */
const writesNothing = async (): Promise<boolean> => true

/**
 * Runs a session's recorded setup request through today's pipeline — today's parser, credential
 * rules, return-URL allow-list, identity profile, provisioning policy and role mappings — with
 * the same decision code as a live request and a commit that writes nothing, and sets the result
 * beside what happened then, step by step.
 */
export async function dryRunSetup(deps: Deps, em: SqlEntityManager, actor: Actor, sessionId: string): Promise<SetupDryRun> {
  const recorded = await recordedSetup(em, actor, sessionId)
  const request = await replayRequest(deps, em, recorded)
  const now = await decideNow(deps, request)
  const thenEvents = recorded.events
  const steps = [
    diff('credential', { text: 'authenticated by its shared secret or password', key: 'ok' }, credentialNow(request)),
    ...SETUP_STEPS.filter((s) => s !== 'credential').map((step) => diff(step, readStep(step, thenEvents, 'then'), readStep(step, now.events, 'now'))),
  ]
  return {
    mode: 'dry-run',
    sessionId: recorded.session.id,
    protocol: recorded.session.protocol,
    requestId: recorded.request.id,
    secretChecked: false,
    note: NOTE,
    then: thenVerdict(recorded),
    now: now.verdict,
    steps,
  }
}

function credentialNow(request: ReplayRequest): StepReading {
  if ('input' in request) return { text: 'the credential is still active (secret not checked: it is redacted in the journal)', key: 'ok' }
  return request.step === 'parse'
    ? { text: `today's parser refuses the request: ${request.refusal.code}: ${request.refusal.message}`, key: `refused ${request.refusal.code}` }
    : { text: `refused ${request.refusal.code}: no active credential names this request's sender any more`, key: `refused ${request.refusal.code}` }
}

interface Now {
  verdict: SetupVerdict
  events: TimelineEvent[]
}

async function decideNow(deps: Deps, request: ReplayRequest): Promise<Now> {
  if (!('input' in request)) return { verdict: { outcome: 'refused', code: request.refusal.code, text: request.refusal.message }, events: [] }
  try {
    const outcome = await commitSetup<SetupOutcome>(deps, request.input, (o) => o, writesNothing)
    const events = (outcome.plan.events ?? []).map(({ type, data }) => ({ type, data }))
    const session = outcome.plan.newSession!
    return {
      verdict: {
        outcome: 'provisioned',
        user: outcome.plan.newUser ? 'would be created' : outcome.plan.userUpdate ? 'would be matched and updated' : 'would be matched',
        ...grantView(session.grant, events),
      },
      events,
    }
  } catch (err) {
    if (!(err instanceof SetupRefused)) throw err
    return { verdict: { outcome: 'refused', code: err.code, text: err.message }, events: (err.plan?.events ?? []).map(({ type, data }) => ({ type, data })) }
  }
}

/** The roles of a grant with the permissions each brought (from the role events of the timeline). */
function grantView(grant: SessionGrant, events: readonly TimelineEvent[]): Pick<SetupVerdict, 'roles' | 'permissions'> {
  const permissionsOf = (name: string) => {
    const e = events.find((ev) => ev.type.startsWith('role.') && ev.data.role === name && Array.isArray(ev.data.permissions))
    return e ? (e.data.permissions as string[]) : []
  }
  return { roles: grant.roles.map((r) => ({ key: r.name, status: r.status, permissions: permissionsOf(r.name) })), permissions: grant.permissions }
}

function thenVerdict(recorded: RecordedSetup): SetupVerdict {
  const { session, events } = recorded
  if (session.status === 'failed' && events.some((e) => e.type === 'session.failed')) {
    return { outcome: 'refused', status: session.status, ...(session.failureCode ? { code: session.failureCode } : {}), ...(session.failureText ? { text: session.failureText } : {}) }
  }
  if (!events.some((e) => e.type === 'session.provisioned')) return { outcome: 'other', status: session.status }
  const created = events.some((e) => e.type === 'user.created')
  const grantEvent = events.find((e) => e.type === 'permissions.granted')
  const roleEvents = events.filter((e) => ['role.matched', 'role.pending', 'role.created_pending'].includes(e.type))
  return {
    outcome: 'provisioned',
    status: session.status,
    user: created ? 'created' : 'matched',
    roles: roleEvents.map((e) => ({ key: String(e.data.role), status: e.type === 'role.matched' ? 'mapped' : 'pending', permissions: (e.data.permissions as string[] | undefined) ?? [] })),
    permissions: (grantEvent?.data.permissions as string[] | undefined) ?? [],
  }
}

/** A live replay about to run: the recorded request, read again, and what its journal row keeps. */
export interface PreparedReplay {
  recorded: RecordedSetup
  request: Extract<ReplayRequest, { input: unknown }>
}

/**
 * The recorded request of a session, ready to be set up again live. Refused (with today's code)
 * when the request no longer parses or its credential is gone, and for an OCI background call,
 * which nobody enters.
 */
export async function prepareLiveReplay(deps: Deps, em: SqlEntityManager, actor: Actor, sessionId: string): Promise<PreparedReplay> {
  const recorded = await recordedSetup(em, actor, sessionId)
  const request = await replayRequest(deps, em, recorded)
  if (!('input' in request)) throw request.refusal
  if (request.backgroundCall) {
    throw new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', 'The session answered an OCI background call (VALIDATE, BACKGROUND_SEARCH): nobody enters the storefront, so it can be replayed as a dry run only.')
  }
  return { recorded, request }
}

/** The API request or console form that asked for a live replay: its journal row names it. */
export interface ReplayVia {
  requestId: string
  path: string
  remoteIp: string | null
}

export interface LiveReplay {
  mode: 'live'
  sessionId: string
  replayOf: string
  startUrl: string
  startLinkExpiresAt: string
}

/**
 * A live replay: a new session linked to the original (`replayOf`), set up by the same code as a
 * buyer's request, authenticated as the agent — the redacted secret is never reconstructed. Its
 * timeline starts with `session.replay` naming the agent, and it is journaled like a buyer's
 * setup: the recorded request (secret redacted) in one write with the session. A refusal
 * (SetupRefused, rethrown) leaves a failed session linked to the original, like any refused
 * setup. Both outcomes are audited.
 */
export async function replayLive(deps: Deps, em: SqlEntityManager, prepared: PreparedReplay, actor: Actor, via: ReplayVia): Promise<LiveReplay> {
  const original = prepared.recorded.session
  const replay = { of: original.id, actor: actor.name, ...(actor.reason ? { reason: actor.reason } : {}) }
  const entry = { action: 'session.replay', targetType: 'session', targetId: original.id, customerId: original.customerId }
  const row = journalRow(deps, prepared, via)
  try {
    const outcome = await setupSession(deps, { ...prepared.request.input, replay }, (o) =>
      deps.store.commit(o.plan, row(o.sessionId, 201, null, { sessionId: o.sessionId, replayOf: original.id })))
    const expiresAt = outcome.plan.newSession!.startExpiresAt!.toISOString()
    audit(em, actor, { ...entry, after: { outcome: 'provisioned', sessionId: outcome.sessionId, startLinkExpiresAt: expiresAt } }, deps.now())
    await em.flush()
    return { mode: 'live', sessionId: outcome.sessionId, replayOf: original.id, startUrl: outcome.startUrl, startLinkExpiresAt: expiresAt }
  } catch (err) {
    if (!(err instanceof SetupRefused)) throw err
    await deps.store.commit(err.plan!, row(err.sessionId!, err.httpStatus, err.code, { code: err.code, message: err.message }))
    audit(em, actor, { ...entry, after: { outcome: 'refused', sessionId: err.sessionId, code: err.code } }, deps.now())
    await em.flush()
    throw err
  }
}

/** The replay's journal row: the recorded request as received then, the answer without the start link. */
function journalRow(deps: Deps, prepared: PreparedReplay, via: ReplayVia) {
  const started = Date.now()
  const { recorded, request } = prepared
  return (sessionId: string, httpStatus: number, errorCode: string | null, answer: Record<string, unknown>): JournalRow => ({
    at: deps.now(),
    channel: recorded.session.protocol,
    method: 'POST',
    path: via.path,
    requestId: via.requestId,
    sessionId,
    customerId: request.input.customer.id,
    payloadId: request.input.payloadId?.slice(0, 400) ?? null,
    httpStatus,
    protocolStatus: null,
    outcome: errorCode ? 'refused' : 'ok',
    errorCode,
    contentType: recorded.request.contentType,
    requestBody: recorded.request.body,
    requestSize: recorded.request.body.length,
    responseContentType: 'application/json; charset=utf-8',
    responseBody: JSON.stringify(answer),
    durationMs: Date.now() - started,
    remoteIp: via.remoteIp,
  })
}
