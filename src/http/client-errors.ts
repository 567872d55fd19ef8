import { randomUUID } from 'node:crypto'
import { maxHeaderSize, STATUS_CODES, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import { PunchgateError, type ErrorCode } from '../errors/index.ts'
import type { JournalRow, PunchoutStore } from '../persistence/punchout-store.ts'
import { redactPath } from './journal.ts'

/** Node's parser error: its code (`HPE_…`) and the chunk it was reading. */
type ClientError = Error & { code?: string; rawPacket?: unknown }

export interface ClientErrors {
  /** Fastify's `clientErrorHandler` option (`this` is the Fastify instance). */
  handler(this: FastifyInstance, err: ClientError, socket: Socket): void
  /** Follows each connection's answers, so that the refusal waits for those still leaving. */
  follow(server: Server): void
}

/** A request line as RFC 9112 writes it: a method token, a target of visible ASCII, the version. */
const REQUEST_LINE = /^([A-Z]{1,10}) ([\x21-\x7e]+) HTTP\/\d\.\d\r?\n/

/**
 * Bytes Node's HTTP parser refuses before Fastify sees a request — a broken request line or
 * header, a request line and headers over Node's size limit, bytes after a body that a lying
 * Content-Length ended early — are answered with a stable code and journaled on channel `http`,
 * the row written before the answer leaves (docs/operations.md, "Logs and the journal"). The
 * connection is closed after the answer, so a sender gets at most one such row per connection
 * it opens.
 */
export function journaledClientErrors(store: PunchoutStore): ClientErrors {
  /** The connections already refused: the parser reports every later chunk again. */
  const refused = new WeakSet<Socket>()
  const inFlight = new WeakMap<Socket, Set<ServerResponse>>()

  async function journal(log: FastifyBaseLogger, error: PunchgateError, reference: string, socket: Socket, request: { method: string; path: string }): Promise<boolean> {
    const status = error.httpStatus
    const row: JournalRow = {
      at: new Date(),
      channel: 'http',
      ...request,
      requestId: reference,
      sessionId: null,
      customerId: null,
      payloadId: null,
      httpStatus: status,
      protocolStatus: null,
      outcome: status === 400 ? 'malformed' : 'refused',
      errorCode: error.code,
      contentType: null,
      // None of the bytes is kept: they may hold a SharedSecret or an OCI password, and are no parsed request to mask.
      requestBody: null,
      requestSize: 0,
      responseContentType: CONTENT_TYPE,
      responseBody: body(error, reference),
      durationMs: 0,
      remoteIp: socket.remoteAddress ?? null,
    }
    try {
      await store.commit({}, row)
      return true
    } catch (err) {
      // Only the error's kind, as for every journal write (src/http/journal.ts).
      const e = err as { name?: string; code?: string }
      log.error({ error: e.name, code: e.code }, 'journal write failed; answering 503')
      return false
    }
  }

  return {
    handler(err, socket) {
      if (refused.has(socket)) return
      const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      // A socket error (a reset, a broken pipe), not bytes that were read: nobody is left to answer.
      if (socket.destroyed || !(timeout || err.code?.startsWith('HPE_'))) {
        socket.destroy()
        return
      }
      refused.add(socket)
      socket.pause()
      const reference = randomUUID()
      const error = refusal(err.code!)
      this.log.info({ code: error.code, parserError: err.code, reference }, error.message)
      const earlier = [...(inFlight.get(socket) ?? [])]
      // A request still being read is the one the parser failed in (a broken chunk): it reached
      // its route, which journals it (a protocol route does) when the connection closes — not
      // twice. A timeout may end a connection that never sent a byte (a browser's spare
      // connection): it is answered, not journaled (docs/operations.md, "Timeouts").
      if (timeout || earlier.some((response) => !response.req.complete)) {
        send(socket, error, reference)
        return
      }
      const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : undefined
      // While an earlier request of the connection is being answered, the packet begins with it.
      const line = earlier.length === 0 && packet ? REQUEST_LINE.exec(packet.subarray(0, maxHeaderSize).toString('latin1')) : null
      const written = journal(this.log, error, reference, socket, line ? { method: line[1]!, path: redactPath(line[2]!) } : { method: '-', path: '-' })
      const answered = earlier.map((response) => new Promise((resolve) => response.once('close', resolve)))
      void Promise.all([written, ...answered]).then(([ok]) => send(socket, ok ? error : new PunchgateError('PG_ERR_UNAVAILABLE'), reference))
    },
    follow(server) {
      server.on('request', (request, response) => {
        const socket = request.socket
        let answers = inFlight.get(socket)
        if (!answers) inFlight.set(socket, (answers = new Set()))
        answers.add(response)
        response.once('close', () => answers.delete(response))
      })
    },
  }
}

const CONTENT_TYPE = 'application/json; charset=utf-8'

/** The parser's refusals with a code of their own; any other is a request that is not HTTP. */
const REFUSALS: Partial<Record<string, ErrorCode>> = { HPE_HEADER_OVERFLOW: 'PG_ERR_HEADERS_TOO_LARGE', ERR_HTTP_REQUEST_TIMEOUT: 'PG_ERR_REQUEST_TIMEOUT' }
const refusal = (parserCode: string): PunchgateError => new PunchgateError(REFUSALS[parserCode] ?? 'PG_ERR_BAD_HTTP_REQUEST')

const body = (error: PunchgateError, reference: string): string => JSON.stringify({ code: error.code, message: error.publicMessage, reference })

/** The answer as bytes on the socket (there is no response object here), then the connection closed. */
function send(socket: Socket, error: PunchgateError, reference: string): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const status = error.httpStatus
  const text = body(error, reference)
  const retry = status === 503 ? 'Retry-After: 5\r\n' : ''
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${retry}Connection: close\r\n\r\n${text}`,
    () => socket.destroy(),
  )
}
