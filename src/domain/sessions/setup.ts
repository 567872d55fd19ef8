import { randomUUID } from 'node:crypto'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import type {
  Customer, PunchoutSession, SessionEvent, SessionProtocolContext,
} from '../../persistence/entities/index.ts'
import type { BuyerLookup, WritePlan } from '../../persistence/punchout-store.ts'
import type { ItemOut } from '../../protocols/cxml/types.ts'
import type { Deps } from '../deps.ts'
import {
  extractIdentity, formatMissingIdentity, resolveProfile, type IdentityProfileConfig,
} from '../provisioning/identity-profiles.ts'
import type { BuyerIdentity, IdentitySource } from '../provisioning/identity-source.ts'
import { parsePolicy, type ProvisioningPolicy } from '../provisioning/policy.ts'
import { decideProvisioning, overlongIdentityField, UNIDENTIFIED_UNIQUE_NAME } from '../provisioning/provision.ts'
import { restorePreparedCart, restoresPreparedCart } from '../on-behalf/restore.ts'
import { checkReturnUrl } from '../return-url.ts'
import { newToken, sha256 } from '../security/secrets.ts'
import { SessionRefusal } from './refusal.ts'
import { nextStatus } from './states.ts'
import { Timeline } from './timeline.ts'

export interface SetupInput {
  protocol: 'cxml' | 'oci'
  customer: Customer
  operation: 'create' | 'edit' | 'inspect' | 'source'
  buyerCookie?: string
  /** BrowserFormPost/URL or HOOK_URL as sent (trimmed). */
  returnUrl?: string
  payloadId?: string
  deploymentMode: 'production' | 'test'
  identitySource: IdentitySource
  restoredItems: ItemOut[]
  selectedSku?: string
  protocolContext: SessionProtocolContext
  /** No start link: nobody enters the storefront (OCI background calls answer at once). */
  withoutStartLink?: true
  /**
   * A live replay of a recorded request (docs/api.md, "Replay"): the session it replays and the
   * agent who asked, authenticated by the API instead of the redacted secret.
   */
  replay?: { of: string; actor: string; reason?: string }
}

/** A decided setup: the session, its start link, and everything to write for it. */
export interface SetupOutcome {
  sessionId: string
  /** The one-time StartPage URL; absent for a session nobody enters (withoutStartLink). */
  startUrl?: string
  plan: WritePlan
}

/** A setup the buyer enters: it has its StartPage URL. */
export interface StartableSetup extends SetupOutcome {
  startUrl: string
}

/** Writes a decided outcome with the answer's journal row; false when its gate did not open (a race). */
export type CommitOutcome<T> = (outcome: T) => Promise<boolean>

/**
 * A refusal after authentication. It carries the failed session it is recorded on — written with
 * the refusal's journal row, so support finds the request from the session and back.
 */
export class SetupRefused extends SessionRefusal {
  constructor(readonly cause: PunchgateError, sessionId: string, plan: WritePlan) {
    super(cause.code, cause.message, sessionId, plan, { cause, details: cause.details })
  }
}

/** Setup decides again at most this often when concurrent first setups of one buyer race. */
const MAX_LOOKS = 3

/**
 * An authenticated setup request becomes a punchout session: the return URL is checked, the
 * person extracted per the identity profile and provisioned per policy, and a one-time start
 * link issued. One read (the user and the roles named), the decisions in plain code, then one
 * write through `commit` — which also writes the answer's journal row. Every decision is on the
 * session's timeline; a refusal (SetupRefused) leaves a failed session and nothing else.
 */
export function setupSession(deps: Deps, input: SetupInput, commit: CommitOutcome<StartableSetup>): Promise<StartableSetup> {
  return commitSetup(deps, { ...input, withoutStartLink: undefined }, ({ startUrl, ...outcome }) => ({ ...outcome, startUrl: startUrl! }), commit)
}

/**
 * Decides a setup, turns it into what the caller answers (`answer`), and commits that; decides
 * again (at most MAX_LOOKS times) when the commit's gate did not open: a concurrent first setup
 * of the same buyer won the race.
 */
export async function commitSetup<T>(deps: Deps, input: SetupInput, answer: (outcome: SetupOutcome) => T, commit: CommitOutcome<T>): Promise<T> {
  const sessionId = randomUUID()
  for (let look = 0; look < MAX_LOOKS; look++) {
    const answered = answer(await decideSetup(deps, input, sessionId, look > 0))
    if (await commit(answered)) return answered
  }
  throw new PunchgateError('PG_ERR_UNAVAILABLE', 'Concurrent setup requests for this buyer kept conflicting; retry.')
}

/** Reads what the setup needs and decides it; refusals throw SetupRefused with their failed session. */
export async function decideSetup(deps: Deps, input: SetupInput, sessionId: string, secondLook: boolean): Promise<SetupOutcome> {
  const timeline = new Timeline(deps.now)
  const now = deps.now()
  if (input.replay) timeline.record('session.replay', { ...input.replay })
  timeline.record('customer.authenticated', { customerId: input.customer.id, protocol: input.protocol, operation: input.operation, ...(input.replay ? { by: 'agent', actor: input.replay.actor } : {}) })
  try {
    const returnUrl = checkedReturnUrl(input, timeline)
    const profile = resolveProfile(input.customer.identityProfile as IdentityProfileConfig)
    const policy = parsePolicy(input.customer.provisioning)
    const { identity, missing } = extractIdentity(profile, input.identitySource)
    if (missing && !policy.allowUnidentifiedBuyers) {
      timeline.record('identity.missing', { ...missing })
      throw new PunchgateError('PG_ERR_IDENTITY_MISSING', formatMissingIdentity(missing))
    }
    timeline.record('identity.extracted', missing ? { unidentified: true } : { ...identity })
    const overlong = missing ? undefined : overlongIdentityField(identity)
    if (overlong) throw new PunchgateError(input.protocol === 'oci' ? 'PG_ERR_OCI_INVALID' : 'PG_ERR_CXML_INVALID', overlong)
    if (!missing) refuseUnacceptableIdentity(identity)
    const lookup = buyerLookup(input.customer.id, policy, missing ? 'unidentified' : identity)
    const found = await deps.store.buyer(restoresPreparedCart(input.operation, Boolean(input.withoutStartLink), Boolean(input.replay)) ? { ...lookup, preparedCart: true } : lookup)
    const buyer = decideProvisioning({ customer: input.customer, policy, identity: missing ? 'unidentified' : identity, found, now, secondLook }, timeline)
    const prepared = restorePreparedCart(found, buyer.user.id, Boolean(buyer.newUser), sessionId, now, timeline)
    const startToken = input.withoutStartLink ? undefined : newToken()
    const expiresAt = startToken ? new Date(now.getTime() + deps.config.startTokenTtlSeconds * 1000) : undefined
    timeline.record('session.provisioned', expiresAt ? { startLinkExpiresAt: expiresAt.toISOString() } : { startLink: 'none: nobody enters the storefront' })
    const session: PunchoutSession = {
      ...sessionFields(input, sessionId, now),
      userId: buyer.user.id,
      status: nextStatus('new', 'provision'),
      returnUrl: returnUrl ?? null,
      startTokenHash: startToken ? sha256(startToken) : null,
      startExpiresAt: expiresAt ?? null,
      grant: { roles: buyer.roles, permissions: buyer.permissions, spendLimit: buyer.spendLimit },
      flags: missing ? ['unidentified-buyer'] : [],
      ...(prepared ? { restoredItems: prepared.restoredItems, preparedCartId: prepared.preparedCartId } : {}),
    }
    const plan: WritePlan = {
      ...(prepared ? { consumePreparedCart: prepared.consumePreparedCart } : {}),
      ...(buyer.newUser ? { newUser: { row: buyer.newUser, ...(policy.matchByEmail && buyer.newUser.email && !missing ? { unlessEmail: buyer.newUser.email } : {}) } } : {}),
      ...(buyer.userChanges ? { userUpdate: { userId: buyer.user.id, set: buyer.userChanges } } : {}),
      pendingRoles: buyer.pendingRoles,
      newSession: session,
      events: timelineRows(sessionId, timeline),
    }
    return { sessionId, ...(startToken ? { startUrl: `${deps.config.publicUrl}/punchout/start/${startToken}` } : {}), plan }
  } catch (err) {
    if (!isPunchgateError(err)) throw err
    throw refused(input, sessionId, now, err, timeline)
  }
}

/** Which user a request names, and the roles it asks for (with the default role, always read). */
function buyerLookup(customerId: string, policy: ProvisioningPolicy, identity: BuyerIdentity | 'unidentified'): BuyerLookup {
  if (identity === 'unidentified') return { customerId, unidentified: true, roleKeys: [policy.defaultRole.toLowerCase()] }
  return {
    customerId,
    unidentified: false,
    uniqueName: identity.uniqueName ?? identity.email!,
    ...(policy.matchByEmail && identity.email ? { email: identity.email } : {}),
    roleKeys: [...new Set([...identity.roles, policy.defaultRole].map((r) => r.toLowerCase()))],
  }
}

/** One request may not claim the stand-in's reserved name, nor flood the review queue with roles. */
function refuseUnacceptableIdentity(identity: BuyerIdentity): void {
  if (identity.uniqueName === UNIDENTIFIED_UNIQUE_NAME) {
    throw new PunchgateError('PG_ERR_IDENTITY_INVALID', `The unique name "${UNIDENTIFIED_UNIQUE_NAME}" is reserved for the unidentified-buyer stand-in; send the buyer's own id.`)
  }
  if (identity.roles.length > MAX_ROLES_PER_REQUEST) {
    throw new PunchgateError('PG_ERR_IDENTITY_INVALID', `The request names ${identity.roles.length} roles; at most ${MAX_ROLES_PER_REQUEST} are accepted per buyer.`)
  }
}

const MAX_ROLES_PER_REQUEST = 50

function checkedReturnUrl(input: SetupInput, timeline: Timeline): string | undefined {
  if (!input.returnUrl) {
    if (input.operation === 'inspect') return undefined
    throw input.protocol === 'oci'
      ? new PunchgateError('PG_ERR_OCI_INVALID', 'HOOK_URL is missing: the cart cannot be returned without it.')
      : new PunchgateError('PG_ERR_CXML_INVALID', 'BrowserFormPost/URL is missing: the cart cannot be returned without it.')
  }
  try {
    const url = checkReturnUrl(input.returnUrl, input.customer.returnUrlHosts)
    timeline.record('return_url.allowed', { url })
    return url
  } catch (err) {
    timeline.record('return_url.refused', { url: input.returnUrl, reason: (err as Error).message })
    throw err
  }
}

function sessionFields(input: SetupInput, id: string, now: Date) {
  return {
    id,
    customerId: input.customer.id,
    protocol: input.protocol,
    operation: input.operation,
    buyerCookie: input.buyerCookie ?? null,
    // payloadID is stored to its column's length; the journal keeps the whole request.
    payloadId: input.payloadId?.slice(0, 400) ?? null,
    deploymentMode: input.deploymentMode,
    restoredItems: input.restoredItems,
    // A SelectedItem longer than any SKU cannot name a product: start on the catalog instead.
    selectedSku: input.selectedSku && input.selectedSku.length <= 200 ? input.selectedSku : null,
    protocolContext: input.protocolContext,
    replayOf: input.replay?.of ?? null,
    createdAt: now,
    updatedAt: now,
  }
}

/** The refusal with its failed session: nothing else of the decision is kept. */
export function refused(input: SetupInput, id: string, now: Date, err: PunchgateError, timeline: Timeline): SetupRefused {
  timeline.record('session.failed', { code: err.code, text: err.message, note: 'refused: no user, role or session change was kept' })
  const session: PunchoutSession = {
    ...sessionFields(input, id, now),
    userId: null,
    status: nextStatus('new', 'refuse'),
    failureCode: err.code,
    failureText: err.message,
    returnUrl: null,
    grant: { roles: [], permissions: [], spendLimit: null },
    flags: [],
  }
  return new SetupRefused(err, id, { newSession: session, events: timelineRows(id, timeline) })
}

export const timelineRows = (sessionId: string, timeline: Timeline): Array<Omit<SessionEvent, 'id'>> =>
  timeline.events.map((e) => ({ sessionId, at: e.at, type: e.type, data: e.data }))
