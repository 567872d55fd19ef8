import type { BuyerUser, Customer, PunchoutSession } from '../../persistence/entities/index.ts'
import type { StartContext, WritePlan } from '../../persistence/punchout-store.ts'
import type { Deps } from '../deps.ts'
import { assertionClaims } from '../federation/assertion.ts'
import { sha256 } from '../security/secrets.ts'
import { SessionRefusal } from './refusal.ts'
import type { CommitOutcome } from './setup.ts'
import { nextStatus, statusesAllowing } from './states.ts'

export interface StartOutcome {
  session: PunchoutSession
  /** Where the browser goes: the storefront login URL carrying the signed assertion. */
  redirectUrl: string
  jti: string
  plan: WritePlan
}

type StartRefusalCode = 'PG_ERR_START_TOKEN_UNKNOWN' | 'PG_ERR_START_TOKEN_USED' | 'PG_ERR_START_TOKEN_EXPIRED' | 'PG_ERR_USER_DISABLED'

/** A start-link refusal; when the link was real, with its session and what to note on it. */
export class StartRefused extends SessionRefusal {
  constructor(code: StartRefusalCode, message: string, sessionId?: string, plan?: WritePlan) {
    super(code, message, sessionId, plan)
  }
}

/**
 * Consumes a one-time start link: one read (the session with its customer and user), the
 * decision and the signature in plain code, then one conditional write that claims the link
 * with the answer's journal row. Two concurrent opens both sign, but only the write that finds
 * the session still `provisioned` lands; the other decides again and is refused as a reuse —
 * so the link works once, across replicas too.
 */
export async function startSession(deps: Deps, token: string, commit: CommitOutcome<StartOutcome>): Promise<StartOutcome> {
  const hash = sha256(token)
  let found: StartContext | undefined
  for (let look = 0; look < 2; look++) {
    found = await deps.store.sessionByStartToken(hash)
    const outcome = await decideStart(deps, hash, found)
    if (await commit(outcome)) return outcome
  }
  // Claimed by a concurrent open twice over: this open is the reuse.
  throw refuseReused(deps.now(), found!.session)
}

async function decideStart(deps: Deps, hash: string, found: StartContext | undefined): Promise<StartOutcome> {
  const now = deps.now()
  if (!found) throw new StartRefused('PG_ERR_START_TOKEN_UNKNOWN', 'This punchout link is not valid. Start the punchout again from your procurement system.')
  const { session, customer, user } = found
  if (session.status === 'provisioned' && session.startExpiresAt && session.startExpiresAt <= now) throw refuseExpired(now, session)
  if (session.status !== 'provisioned') throw session.status === 'expired' ? refuseExpired(now, session) : refuseReused(now, session)
  // Disabling takes effect at once: a link issued minutes before signs nobody in.
  if (user!.status === 'disabled') throw refuseDisabled(now, session, user!, customer)
  const started = { ...session, status: nextStatus(session.status, 'start'), startedAt: now, updatedAt: now }
  const claims = assertionClaims(
    { issuer: deps.config.publicUrl, audience: deps.config.storefrontAudience, ttlSeconds: deps.config.assertionTtlSeconds, now },
    started,
    customer,
    user!,
  )
  const assertion = await deps.signer.sign(claims)
  const url = new URL(deps.storefront.loginUrl)
  url.searchParams.set('assertion', assertion)
  const plan: WritePlan = {
    transition: { sessionId: session.id, from: statusesAllowing('start'), startTokenHash: hash, validAt: now, set: { status: started.status, startedAt: now, updatedAt: now } },
    events: [{
      sessionId: session.id, at: now, type: 'start.used',
      data: { jti: claims.jti, expiresAt: new Date(claims.exp * 1000).toISOString(), storefront: deps.storefront.loginUrl },
    }],
  }
  return { session: started, redirectUrl: url.href, jti: claims.jti, plan }
}

/** An expired link: a session still waiting for it expires (docs/architecture.md, "Session states"). */
function refuseExpired(now: Date, session: PunchoutSession): StartRefused {
  const plan: WritePlan = {
    ...(session.status === 'provisioned'
      ? { sessionUpdate: { sessionId: session.id, from: statusesAllowing('expire'), set: { status: nextStatus(session.status, 'expire'), updatedAt: now } } }
      : {}),
    events: [{ sessionId: session.id, at: now, type: 'start.refused_expired', data: {} }],
  }
  return new StartRefused('PG_ERR_START_TOKEN_EXPIRED', 'This punchout link has expired. Start the punchout again from your procurement system.', session.id, plan)
}

/** A link opened a second time: the session is flagged for support, its state unchanged. */
function refuseReused(now: Date, session: PunchoutSession): StartRefused {
  const plan: WritePlan = {
    ...(session.flags.includes('start-link-reused')
      ? {}
      : { sessionUpdate: { sessionId: session.id, set: { flags: [...session.flags, 'start-link-reused'], updatedAt: now } } }),
    events: [{ sessionId: session.id, at: now, type: 'start.refused_reused', data: {} }],
  }
  return new StartRefused('PG_ERR_START_TOKEN_USED', 'This punchout link was already used. Start the punchout again from your procurement system.', session.id, plan)
}

function refuseDisabled(now: Date, session: PunchoutSession, user: BuyerUser, customer: Customer): StartRefused {
  const text = `The user ${user.uniqueName} of ${customer.name} is disabled on the supplier side. Ask the supplier to re-enable them.`
  const plan: WritePlan = {
    sessionUpdate: {
      sessionId: session.id,
      from: statusesAllowing('refuse'),
      set: { status: nextStatus(session.status, 'refuse'), failureCode: 'PG_ERR_USER_DISABLED', failureText: text, updatedAt: now },
    },
    events: [{ sessionId: session.id, at: now, type: 'start.refused_disabled', data: { userId: user.id } }],
  }
  return new StartRefused('PG_ERR_USER_DISABLED', text, session.id, plan)
}
