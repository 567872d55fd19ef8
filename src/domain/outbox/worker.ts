import type { OutboxMessage } from '../../persistence/entities/index.ts'
import type { OutboxResult, OutboxStore } from '../../persistence/outbox-store.ts'
import { withSenderSecret } from '../../protocols/cxml/fulfill.ts'
import { readStatusResponse } from '../../protocols/cxml/status-response.ts'
import { openOrderStatusSecret } from '../customers/order-status-secret.ts'
import type { KeySealer } from '../security/secrets.ts'
import { retryDelayMs } from './message.ts'

export interface OutboxLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface OutboxWorkerOptions {
  now(): Date
  maxAttempts: number
  timeoutMs: number
  /** Sent as `Authorization: Bearer` with storefront orders (STOREFRONT_ORDER_TOKEN). */
  storefrontToken?: string
  /** Opens the customer's order-status secret, put in each cXML document as it is posted. */
  sealer: KeySealer
  log: OutboxLog
  random?: () => number
}

/** Messages claimed per statement; a run claims again until a batch comes back short. */
const BATCH = 20
/** A claimed message is retried by another replica only after the attempt's time plus this margin. */
const LEASE_MARGIN_MS = 60_000
/** At most this much of an answer is read (a cXML Status response is small). */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * Delivers the outbox (docs/operations.md, "The outbox"): claims due messages, POSTs each with a
 * timeout, records 2xx as delivered (a cXML message: the buyer's Response Status code must be 2xx
 * too), and otherwise schedules the next attempt with backoff — `dead` once `maxAttempts` are spent.
 * Delivery is at least once: each POST carries the message id as `Idempotency-Key`. A cXML
 * document gets the customer's current order-status secret in its Sender just before it is posted
 * (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"): the stored row never holds it, and a
 * message queued before the secret was set, replaced or cleared goes with the one in force.
 */
export class OutboxWorker {
  constructor(private readonly store: OutboxStore, private readonly options: OutboxWorkerOptions) {}

  /** Delivers what is due now; answers how many messages were attempted. */
  async runOnce(signal?: AbortSignal): Promise<number> {
    let attempted = 0
    for (;;) {
      if (signal?.aborted) return attempted
      const now = this.options.now()
      const claimed = await this.store.claim(now, new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS), BATCH)
      await Promise.all(claimed.map((message) => this.attempt(message, signal)))
      attempted += claimed.length
      if (claimed.length < BATCH) return attempted
    }
  }

  private async attempt(message: OutboxMessage, signal?: AbortSignal): Promise<void> {
    const outcome = await this.post(message, signal)
    const at = this.options.now()
    let result: OutboxResult
    if (outcome.ok) {
      result = { state: 'delivered', at, httpStatus: outcome.httpStatus, ...(outcome.cxmlStatus !== undefined ? { cxmlStatus: outcome.cxmlStatus } : {}) }
    } else {
      const dead = message.attempts >= this.options.maxAttempts
      const { error, httpStatus, cxmlStatus } = outcome
      result = {
        state: dead ? 'dead' : 'pending',
        at,
        error,
        ...(httpStatus !== undefined ? { httpStatus } : {}),
        ...(cxmlStatus !== undefined ? { cxmlStatus } : {}),
        ...(dead ? {} : { nextAttemptAt: new Date(at.getTime() + retryDelayMs(message.attempts, this.options.random)) }),
      }
      const context = { outboxMessage: message.id, kind: message.kind, order: message.orderId, attempt: message.attempts, error }
      if (dead) this.options.log.error(context, 'outbox message is dead: out of attempts')
      else this.options.log.warn(context, 'outbox delivery failed; it is retried')
    }
    await this.store.record(message.id, message.attempts, result)
  }

  private async post(message: OutboxMessage, signal?: AbortSignal): Promise<{ ok: true; httpStatus: number; cxmlStatus?: number } | { ok: false; error: string; httpStatus?: number; cxmlStatus?: number }> {
    const headers: Record<string, string> = { 'content-type': message.contentType, 'idempotency-key': message.id, 'user-agent': 'Punchgate' }
    if (message.kind === 'storefront.order' && this.options.storefrontToken) headers.authorization = `Bearer ${this.options.storefrontToken}`
    let body: string | null | undefined
    try {
      body = message.kind === 'storefront.order' ? message.body : await this.withOrderStatusSecret(message)
    } catch (err) {
      return { ok: false, error: (err as Error).message.slice(0, 500) }
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs)
    let answer: Response
    try {
      answer = await fetch(message.url, { method: 'POST', headers, body, redirect: 'manual', signal: signal ? AbortSignal.any([timeout, signal]) : timeout })
    } catch (err) {
      return { ok: false, error: timeout.aborted ? `no answer within ${this.options.timeoutMs / 1000} s` : transportError(err) }
    }
    const answerBody = await limitedBody(answer)
    if (answer.status < 200 || answer.status > 299) return { ok: false, error: `HTTP ${answer.status}`, httpStatus: answer.status }
    if (message.kind === 'storefront.order') return { ok: true, httpStatus: answer.status }
    return cxmlOutcome(answer, answerBody)
  }

  /** The cXML document with the customer's order-status secret in its Sender, as it stands now; without one when the customer has none. */
  private async withOrderStatusSecret(message: OutboxMessage): Promise<string | null | undefined> {
    const sealed = await this.store.orderStatusSecret(message.customerId)
    return sealed && message.body ? withSenderSecret(message.body, openOrderStatusSecret(this.options.sealer, message.customerId, sealed)) : message.body
  }
}

/** A cXML delivery counts once the buyer's Response Status is 2xx (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"). */
function cxmlOutcome(answer: Response, body: Buffer): { ok: true; httpStatus: number; cxmlStatus: number } | { ok: false; error: string; httpStatus: number; cxmlStatus?: number } {
  try {
    const status = readStatusResponse(body, answer.headers.get('content-type') ?? undefined)
    if (status.code >= 200 && status.code <= 299) return { ok: true, httpStatus: answer.status, cxmlStatus: status.code }
    return { ok: false, error: `cXML Status ${status.code} ${status.text}`.slice(0, 500), httpStatus: answer.status, cxmlStatus: status.code }
  } catch {
    return { ok: false, error: `HTTP ${answer.status} without a cXML Response Status`, httpStatus: answer.status }
  }
}

async function limitedBody(answer: Response): Promise<Buffer> {
  const reader = answer.body?.getReader()
  if (!reader) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(Buffer.from(value))
      size += value.byteLength
      if (size > MAX_ANSWER_BYTES) break
    }
  } catch {
    // A cut-off answer is judged by what arrived.
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return Buffer.concat(chunks)
}

/** The transport failure as the API shows it: the cause's code (ECONNREFUSED, ENOTFOUND …), never a stack. */
function transportError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  return `not delivered: ${cause?.code ?? cause?.message ?? (err as Error).message ?? 'network error'}`.slice(0, 500)
}
