import { PunchgateError, type ErrorCode } from '../../errors/index.ts'
import type { WritePlan } from '../../persistence/punchout-store.ts'

/**
 * A refusal that belongs to a punchout session: the journal row of the refusal links to the
 * session, and `plan` (the failed session, a flag, a timeline event) is written with that row.
 * The error mapper does the linking, for every protocol, in one place.
 */
export class SessionRefusal extends PunchgateError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly sessionId?: string,
    readonly plan?: WritePlan,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, message, options)
  }
}
