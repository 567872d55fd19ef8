import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { BuyerUser, Customer, PunchoutSession, SessionEvent } from '../../persistence/entities/index.ts'
import type { Deps } from '../deps.ts'
import { assertionClaims } from '../federation/assertion.ts'
import { sha256 } from '../security/secrets.ts'

export interface StartResult {
  session: PunchoutSession
  /** Where the browser goes: the storefront login URL carrying the signed assertion. */
  redirectUrl: string
  jti: string
}

/** A start-link refusal, linked to its session when the link was real (for the journal). */
export class StartRefused extends PunchgateError {
  constructor(
    code: 'PG_ERR_START_TOKEN_UNKNOWN' | 'PG_ERR_START_TOKEN_USED' | 'PG_ERR_START_TOKEN_EXPIRED' | 'PG_ERR_USER_DISABLED',
    message: string,
    readonly sessionId?: string,
  ) {
    super(code, message)
  }
}

/**
 * Consumes a one-time start link. The consumption is one conditional UPDATE, so the link works
 * once even under concurrent requests and across replicas; only then is an assertion signed.
 */
export async function startSession(deps: Deps, em: SqlEntityManager, token: string): Promise<StartResult> {
  const now = deps.now()
  const hash = sha256(token)
  const claimed = await em.execute<Array<{ id: string }>>(
    `update punchout_sessions set status = 'started', started_at = ?, updated_at = ?
     where start_token_hash = ? and status = 'provisioned' and start_expires_at > ? returning id`,
    [now, now, hash, now],
  )
  if (claimed.length === 0) throw await refusal(em, hash, now)
  const session = await em.findOneOrFail(PunchoutSession, { id: claimed[0]!.id })
  const [customer, user] = await Promise.all([
    em.findOneOrFail(Customer, { id: session.customerId }),
    em.findOneOrFail(BuyerUser, { id: session.userId! }),
  ])
  // Disabling takes effect at once: a link issued minutes before signs nobody in.
  if (user.status === 'disabled') throw await refuseDisabled(em, session, user, customer, now)
  const claims = assertionClaims(
    { issuer: deps.config.publicUrl, audience: deps.config.storefrontAudience, ttlSeconds: deps.config.assertionTtlSeconds, now },
    session,
    customer,
    user,
  )
  const assertion = await deps.signer.sign(claims)
  em.create(SessionEvent, {
    sessionId: session.id, at: now, type: 'start.used',
    data: { jti: claims.jti, expiresAt: new Date(claims.exp * 1000).toISOString(), storefront: deps.config.storefrontLoginUrl },
  } as SessionEvent)
  await em.flush()
  const url = new URL(deps.config.storefrontLoginUrl)
  url.searchParams.set('assertion', assertion)
  return { session, redirectUrl: url.href, jti: claims.jti }
}

/** Tells a reused link from an expired or unknown one, and notes it on the session. */
async function refusal(em: SqlEntityManager, hash: string, now: Date): Promise<StartRefused> {
  const session = await em.findOne(PunchoutSession, { startTokenHash: hash })
  if (!session) {
    return new StartRefused('PG_ERR_START_TOKEN_UNKNOWN', 'This punchout link is not valid. Start the punchout again from your procurement system.')
  }
  const expired = session.status === 'provisioned' || session.status === 'expired'
  if (session.status === 'provisioned') session.status = 'expired'
  if (!expired && !session.flags.includes('start-link-reused')) session.flags = [...session.flags, 'start-link-reused']
  session.updatedAt = now
  em.create(SessionEvent, {
    sessionId: session.id, at: now, type: expired ? 'start.refused_expired' : 'start.refused_reused', data: {},
  } as SessionEvent)
  await em.flush()
  return expired
    ? new StartRefused('PG_ERR_START_TOKEN_EXPIRED', 'This punchout link has expired. Start the punchout again from your procurement system.', session.id)
    : new StartRefused('PG_ERR_START_TOKEN_USED', 'This punchout link was already used. Start the punchout again from your procurement system.', session.id)
}

async function refuseDisabled(em: SqlEntityManager, session: PunchoutSession, user: BuyerUser, customer: Customer, now: Date): Promise<StartRefused> {
  const text = `The user ${user.uniqueName} of ${customer.name} is disabled on the supplier side. Ask the supplier to re-enable them.`
  Object.assign(session, { status: 'failed', failureCode: 'PG_ERR_USER_DISABLED', failureText: text, updatedAt: now })
  em.create(SessionEvent, { sessionId: session.id, at: now, type: 'start.refused_disabled', data: { userId: user.id } } as SessionEvent)
  await em.flush()
  return new StartRefused('PG_ERR_USER_DISABLED', text, session.id)
}
