import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { MikroORM } from '@mikro-orm/postgresql'
import { JournalEntry } from '../persistence/entities/index.ts'
import { buildStatusResponse, newPayloadId } from '../protocols/cxml/build.ts'
import { redactOciPassword } from '../protocols/oci/login.ts'

export type JournalChannel = 'cxml' | 'oci' | 'start' | 'cart'

/** What a route learns while handling a request, written to the journal before the answer leaves. */
export interface JournalRecord {
  channel: JournalChannel
  /** The request bytes with secrets redacted; set by the route once it has them. */
  body?: Buffer
  sessionId?: string
  customerId?: string
  payloadId?: string
  outcome?: 'ok' | 'refused' | 'malformed' | 'error'
  errorCode?: string
  protocolStatus?: number
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
 * Every answered protocol request is journaled — refusals and malformed documents too — and the
 * answer is sent only once the journal row is written. If the journal cannot be written, the
 * caller gets a retryable 503 instead of an answer the gateway has no record of.
 */
export function registerJournal(app: FastifyInstance, orm: MikroORM): void {
  app.addHook('onRequest', async (request) => {
    const channel = request.routeOptions.config?.journal
    if (channel) request.journal = { channel }
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const record = request.journal
    if (!record) return payload
    try {
      await writeEntry(orm, request, reply, record, payload)
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

async function writeEntry(orm: MikroORM, request: FastifyRequest, reply: FastifyReply, record: JournalRecord, payload: unknown) {
  // A setup answer carries the live start link: the journal is support-readable, so it is masked.
  const raw = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
  const response = raw === null ? null : redactStartLinks(raw)
  const status = reply.statusCode
  // JSON bodies are journaled as received, even when validation refused them.
  const body = record.body ?? (request.body !== undefined && !Buffer.isBuffer(request.body) ? Buffer.from(JSON.stringify(request.body)) : undefined)
  // The bytes actually received, not the client's Content-Length (which may lie or overflow).
  const rawLength = Buffer.isBuffer(request.body) ? request.body.length : body?.length ?? 0
  await orm.em.fork().insert(JournalEntry, {
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
    contentType: request.headers['content-type']?.slice(0, 200) ?? null,
    requestBody: body ?? null,
    requestSize: rawLength,
    responseContentType: String(reply.getHeader('content-type') ?? '').slice(0, 200) || null,
    responseBody: response && response.length <= MAX_STORED_RESPONSE ? response : response?.slice(0, MAX_STORED_RESPONSE) ?? null,
    durationMs: Math.round(reply.elapsedTime),
    remoteIp: request.ip,
  } as JournalEntry)
}

/** Start links and OCI passwords are credentials: never stored or logged in full. */
const START_LINK = /(\/punchout\/start\/)[^/?#<"'\s]+/g

/** Masks every one-time start link in a text (answers, log messages). */
export const redactStartLinks = (text: string): string => text.replace(START_LINK, '$1***')

export function redactPath(url: string): string {
  // redactOciPassword also catches a percent-encoded name (`%50ASSWORD=`), which the OCI
  // parser decodes and accepts as the password.
  return redactOciPassword(redactStartLinks(url)
    .replace(/([?&](?:password|assertion)=)[^&#]*/gi, '$1***'))
}
