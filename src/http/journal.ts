import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { JournalRow, PunchoutStore, WritePlan } from '../persistence/punchout-store.ts'
import { buildStatusResponse, newPayloadId } from '../protocols/cxml/build.ts'
import { redactOciPassword } from '../protocols/oci/login.ts'

export type JournalChannel = 'cxml' | 'oci' | 'start' | 'cart' | 'shop'

/** What a route learns while handling a request, written to the journal before the answer leaves. */
export interface JournalRecord {
  channel: JournalChannel
  /** The request bytes with secrets redacted; set by the route once it has them. */
  body?: Buffer
  /**
   * The request bytes as received and how to mask them, when the route leaves the masking to the
   * journal (used when `body` is not set): a request that ends tied to no customer has only the
   * part the journal keeps of it masked, so a stranger's megabytes cost no masking work.
   */
  unmasked?: UnmaskedBody
  /** The Content-Type of `body` when it is not the request's own (the cXML part of a multipart request). */
  contentType?: string
  sessionId?: string
  customerId?: string
  payloadId?: string
  outcome?: 'ok' | 'refused' | 'malformed' | 'error'
  errorCode?: string
  protocolStatus?: number
  /** What a refusal changes on its session (a failed session, a flag): written with the journal row. */
  plan?: WritePlan
  /** The route already wrote the journal row together with its decision (commitAnswer). */
  written?: boolean
}

/** Request bytes not masked yet, and the masking that reads them as their parser does. */
export interface UnmaskedBody {
  bytes: Buffer
  mask(bytes: Buffer): Buffer
}

/** An answer as it will leave: what the journal keeps of it. */
export interface Answer {
  status: number
  contentType?: string
  /** Null for an answer without a body (a redirect). */
  body: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    journal?: JournalRecord
  }
  interface FastifyContextConfig {
    journal?: JournalChannel
  }
}

const MAX_STORED_RESPONSE = 256 * 1024
/**
 * A request tied to no customer (an unknown credential, a document too broken to name one) keeps
 * only its first 64 KiB: a stranger cannot fill the journal — nor, on the embedded database, hold
 * the event loop writing megabytes — while support still sees what arrived. `requestSize` keeps
 * the size received (docs/operations.md, "Logs and the journal").
 */
const MAX_STORED_STRANGER_BODY = 64 * 1024

/**
 * Every answered protocol request is journaled — refusals and malformed documents too — and the
 * answer is sent only once the journal row is written. A hot path writes its decision and the
 * journal row in one statement (commitAnswer); everything else is journaled here, in onSend,
 * together with whatever the refusal changes on its session. If the journal cannot be written,
 * the caller gets a retryable 503 instead of an answer the gateway has no record of.
 */
export function registerJournal(app: FastifyInstance, store: PunchoutStore): void {
  app.addHook('onRequest', async (request) => {
    const channel = request.routeOptions.config?.journal
    if (channel) request.journal = { channel }
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const record = request.journal
    if (!record || record.written) return payload
    try {
      const answer = { status: reply.statusCode, contentType: String(reply.getHeader('content-type') ?? ''), body: payloadText(payload) }
      await store.commit(record.plan ?? {}, journalRow(request, reply, record, answer))
      return payload
    } catch (err) {
      // Only the error's kind: a database message would quote the row, start link included.
      const e = err as { name?: string; code?: string }
      request.log.error({ error: e.name, code: e.code }, 'journal write failed; answering 503')
      const text = 'The gateway could not record this request in its journal; retry later (a retried setup gets a fresh start link).'
      reply.code(503).header('retry-after', '5')
      // A cXML client still gets cXML (a retryable Status), never plain text.
      if (request.routeOptions.config?.surface === 'cxml') {
        reply.type('text/xml; charset=utf-8')
        return buildStatusResponse({ payloadID: newPayloadId('punchgate'), timestamp: new Date(), code: 503, text: 'Service Unavailable', detail: `${text} (PG_ERR_UNAVAILABLE; reference ${request.id})` })
      }
      reply.type('text/plain; charset=utf-8')
      return text
    }
  })
}

/**
 * Writes a hot path's decision and the journal row of its answer in one statement, before the
 * answer leaves. False when the plan's gate did not open (a race the caller decides again);
 * nothing is written then. A failed write throws: the caller answers 503 and no session remains.
 */
export async function commitAnswer(
  store: PunchoutStore,
  request: FastifyRequest,
  reply: FastifyReply,
  answer: Answer,
  plan: WritePlan,
  link: { sessionId?: string; customerId?: string },
): Promise<boolean> {
  const record = request.journal!
  const row = journalRow(request, reply, { ...record, ...link }, answer)
  let applied: boolean
  try {
    applied = await store.commit(plan, row)
  } catch (err) {
    throw new DecisionNotWritten(err)
  }
  if (applied) Object.assign(record, link, { written: true })
  return applied
}

/** The decided write failed as a whole: nothing of it exists, and the request may be retried. */
export class DecisionNotWritten extends Error {
  constructor(cause: unknown) {
    super('the decision and its journal row could not be written', { cause })
    this.name = 'DecisionNotWritten'
  }
}

const payloadText = (payload: unknown): string | null =>
  typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null

function journalRow(request: FastifyRequest, reply: FastifyReply, record: JournalRecord, answer: { status: number; contentType?: string; body: string | null }): JournalRow {
  // A setup answer carries the live start link: the journal is support-readable, so it is masked.
  const response = answer.body === null ? null : redactStartLinks(answer.body)
  // JSON bodies are journaled as received, even when validation refused them.
  const body = record.body ?? (record.unmasked ? record.unmasked.mask(kept(record, record.unmasked.bytes))
    : request.body !== undefined && !Buffer.isBuffer(request.body) ? Buffer.from(JSON.stringify(request.body)) : undefined)
  // The bytes actually received, not the client's Content-Length (which may lie or overflow).
  const rawLength = Buffer.isBuffer(request.body) ? request.body.length : body?.length ?? 0
  const status = answer.status
  return {
    at: new Date(),
    channel: record.channel,
    method: request.method,
    path: redactPath(request.url),
    requestId: request.id,
    sessionId: record.sessionId ?? null,
    customerId: record.customerId ?? null,
    payloadId: record.payloadId?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 400) ?? null,
    httpStatus: status,
    protocolStatus: record.protocolStatus ?? null,
    outcome: record.outcome ?? (status < 400 ? 'ok' : status >= 500 ? 'error' : 'refused'),
    errorCode: record.errorCode ?? null,
    contentType: (record.contentType ?? request.headers['content-type'])?.slice(0, 200) ?? null,
    requestBody: body ? kept(record, body) : null,
    requestSize: rawLength,
    responseContentType: answer.contentType?.slice(0, 200) || null,
    responseBody: response && response.length > MAX_STORED_RESPONSE ? response.slice(0, MAX_STORED_RESPONSE) : response,
    durationMs: Math.round(reply.elapsedTime),
    remoteIp: request.ip,
  }
}

/**
 * What the journal keeps of request bytes: all of them, or the first 64 KiB of a request tied to
 * no customer. Unmasked bytes are cut before they are masked, which is safe: the masking hides a
 * secret whose closing tag was cut off up to the end of the text (src/protocols/cxml/redact.ts),
 * and a secret that starts after the cut is not kept at all. Masked bytes are cut again (a mask
 * may be longer than the secret it hides).
 */
const kept = (record: JournalRecord, bytes: Buffer): Buffer =>
  record.customerId == null && bytes.length > MAX_STORED_STRANGER_BODY ? bytes.subarray(0, MAX_STORED_STRANGER_BODY) : bytes

/** Start links, cart re-send links and OCI passwords are credentials: never stored or logged in full. */
const START_LINK = /(\/punchout\/(?:start|resend)\/)[^/?#<"'\s]+/g
/** A storefront session handle keeps its session id (support searches by it) and loses its MAC. */
const SHOP_HANDLE = /(\/s\/[0-9a-f-]{36})\.[^/?#<"'\s]+/g

/** Masks every one-time start link in a text (answers, log messages). */
export const redactStartLinks = (text: string): string => text.replace(START_LINK, '$1***')

export function redactPath(url: string): string {
  // redactOciPassword also catches a percent-encoded name (`%50ASSWORD=`), which the OCI
  // parser decodes and accepts as the password.
  return redactOciPassword(redactStartLinks(url)
    .replace(SHOP_HANDLE, '$1.***')
    .replace(/([?&](?:password|assertion|entry)=)[^&#]*/gi, '$1***'))
}
