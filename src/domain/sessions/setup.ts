import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import {
  PunchoutSession, SessionEvent, type Customer, type SessionProtocolContext,
} from '../../persistence/entities/index.ts'
import type { ItemOut } from '../../protocols/cxml/types.ts'
import type { Deps } from '../deps.ts'
import {
  extractIdentity, formatMissingIdentity, resolveProfile, type IdentityProfileConfig,
} from '../provisioning/identity-profiles.ts'
import type { BuyerIdentity, IdentitySource } from '../provisioning/identity-source.ts'
import { parsePolicy } from '../provisioning/policy.ts'
import { overlongIdentityField, provisionBuyer, UNIDENTIFIED_UNIQUE_NAME } from '../provisioning/provision.ts'
import { checkReturnUrl } from '../return-url.ts'
import { newToken, sha256 } from '../security/secrets.ts'
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
}

export interface SetupResult {
  session: PunchoutSession
  startUrl: string
}

/** A refusal after authentication: the failed session it was recorded on travels with it. */
export class SetupRefused extends PunchgateError {
  constructor(readonly cause: PunchgateError, readonly sessionId: string) {
    super(cause.code, cause.message, { cause, details: cause.details })
  }
}

/**
 * An authenticated setup request becomes a punchout session: the return URL is checked, the
 * person extracted per the identity profile and provisioned per policy, and a one-time start
 * link issued. Every decision is on the session's timeline; a refusal leaves a failed session
 * (for support) and nothing else.
 */
export async function setupSession(deps: Deps, em: SqlEntityManager, input: SetupInput): Promise<SetupResult> {
  const timeline = new Timeline(deps.now)
  const now = deps.now()
  const sessionId = randomUUID()
  timeline.record('customer.authenticated', { customerId: input.customer.id, protocol: input.protocol, operation: input.operation })
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
    const startToken = newToken()
    const session = await em.transactional(async (tem) => {
      const buyer = await provisionBuyer(tem, input.customer, policy, missing ? 'unidentified' : identity, timeline, now)
      const expiresAt = new Date(now.getTime() + deps.config.startTokenTtlSeconds * 1000)
      timeline.record('session.provisioned', { startLinkExpiresAt: expiresAt.toISOString() })
      const created = tem.create(PunchoutSession, {
        ...sessionFields(input, sessionId, now),
        userId: buyer.user.id,
        status: 'provisioned',
        returnUrl: returnUrl ?? null,
        startTokenHash: sha256(startToken),
        startExpiresAt: expiresAt,
        grant: { roles: buyer.roles, permissions: buyer.permissions, spendLimit: buyer.spendLimit },
        flags: missing ? ['unidentified-buyer'] : [],
      })
      await tem.flush()
      persistTimeline(tem, sessionId, timeline)
      return created
    })
    return { session, startUrl: `${deps.config.publicUrl}/punchout/start/${startToken}` }
  } catch (err) {
    if (!isPunchgateError(err)) throw err
    await recordFailedSession(em, input, sessionId, now, err, timeline)
    throw new SetupRefused(err, sessionId)
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
    createdAt: now,
    updatedAt: now,
  }
}

async function recordFailedSession(
  em: SqlEntityManager,
  input: SetupInput,
  id: string,
  now: Date,
  err: PunchgateError,
  timeline: Timeline,
): Promise<void> {
  timeline.record('session.failed', { code: err.code, text: err.message, note: 'refused: no user, role or session change was kept' })
  await em.transactional(async (tem) => {
    tem.create(PunchoutSession, {
      ...sessionFields(input, id, now),
      userId: null,
      status: 'failed',
      failureCode: err.code,
      failureText: err.message,
      returnUrl: null,
      grant: { roles: [], permissions: [], spendLimit: null },
      flags: [],
    })
    await tem.flush()
    persistTimeline(tem, id, timeline)
  })
}

export function persistTimeline(em: SqlEntityManager, sessionId: string, timeline: Timeline): void {
  for (const e of timeline.events) em.create(SessionEvent, { sessionId, at: e.at, type: e.type, data: e.data } as SessionEvent)
}
