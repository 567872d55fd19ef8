import { PunchgateError } from '../../errors/index.ts'
import type { PunchoutSession, SessionStatus } from '../../persistence/entities/index.ts'

/**
 * The one table of session state changes (docs/architecture.md, "Session states"). Every status
 * a session is written with comes from here; the conditional writes of the hot paths use
 * `statusesAllowing` so that the database refuses a change the table does not allow.
 *
 * `new` is a session not yet written: setup decides its first status.
 */
export const SESSION_TRANSITIONS = {
  provision: { new: 'provisioned' },
  refuse: { new: 'failed', provisioned: 'failed' },
  start: { provisioned: 'started' },
  expire: { provisioned: 'expired' },
  returnCart: { started: 'cart_returned', cart_returned: 'cart_returned' },
  answerInBackground: { provisioned: 'cart_returned' },
  order: { cart_returned: 'ordered', ordered: 'ordered' },
  orderOnBehalf: { started: 'ordered' },
} as const satisfies Record<string, Partial<Record<SessionStatus | 'new', SessionStatus>>>

export type SessionTransition = keyof typeof SESSION_TRANSITIONS

const table: Record<SessionTransition, Partial<Record<SessionStatus | 'new', SessionStatus>>> = SESSION_TRANSITIONS

/** The status after `transition`, or PG_ERR_SESSION_STATE when the table does not allow it from `from`. */
export function nextStatus(from: SessionStatus | 'new', transition: SessionTransition, message?: string): SessionStatus {
  const to = table[transition][from]
  if (!to) {
    throw new PunchgateError('PG_ERR_SESSION_STATE', message ?? `A punchout session that is ${from.replace('_', ' ')} cannot ${DESCRIPTIONS[transition]}.`)
  }
  return to
}

/** The OCI FUNCTIONs answered without a storefront visit (`answerInBackground`). */
const BACKGROUND_FUNCTIONS = new Set(['VALIDATE', 'BACKGROUND_SEARCH'])

/**
 * The status a cart return leads to. A session answered in the background is finished: its
 * `cart_returned` status came from the background answer, not from a buyer in the storefront, so
 * no later cart may be returned to it (docs/architecture.md, "Session states").
 */
export function cartReturnStatus(session: Pick<PunchoutSession, 'status' | 'protocolContext'>, message?: string): SessionStatus {
  if (BACKGROUND_FUNCTIONS.has(session.protocolContext.oci?.function ?? '')) {
    throw new PunchgateError('PG_ERR_SESSION_STATE', 'This OCI session was answered in the background (VALIDATE or BACKGROUND_SEARCH); no cart can be returned to it. Start a new punchout.')
  }
  return nextStatus(session.status, 'returnCart', message)
}

/** The statuses `transition` may leave from: the WHERE clause of a conditional status write. */
export function statusesAllowing(transition: SessionTransition): SessionStatus[] {
  return Object.keys(table[transition]).filter((s): s is SessionStatus => s !== 'new')
}

const DESCRIPTIONS: Record<SessionTransition, string> = {
  provision: 'be provisioned again',
  refuse: 'be refused',
  start: 'be started',
  expire: 'expire',
  returnCart: 'return a cart',
  answerInBackground: 'answer a background call',
  order: 'be ordered',
  orderOnBehalf: 'be ordered on behalf of the buyer',
}
