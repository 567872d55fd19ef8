import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { SessionRefusal } from '../domain/sessions/refusal.ts'
import { ERRORS, PunchgateError, isPunchgateError, type ErrorCode } from '../errors/index.ts'
import { buildStatusResponse, newPayloadId } from '../protocols/cxml/build.ts'
import { errorPage } from '../web/html.ts'
import { DecisionNotWritten, redactPath } from './journal.ts'
import { unacceptedMediaType } from './raw-body.ts'

/** How a route answers: cXML clients get cXML, browsers a page, API clients JSON. */
export type Surface = 'cxml' | 'html' | 'json'

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: Surface
  }
}

const TITLES: Partial<Record<ErrorCode, string>> = {
  PG_ERR_START_TOKEN_UNKNOWN: 'Link not valid',
  PG_ERR_START_TOKEN_USED: 'Link already used',
  PG_ERR_START_TOKEN_EXPIRED: 'Link expired',
  PG_ERR_AUTH_BAD_SECRET: 'Sign-in refused',
  PG_ERR_RETURN_URL_REFUSED: 'Return address refused',
  PG_ERR_RATE_LIMITED: 'Too many requests',
}

/**
 * Turns anything thrown into a PunchgateError: the one place errors meet the wire. The request,
 * where there is one, lets a refusal name what was actually sent (its Content-Type).
 */
export function toPunchgateError(err: unknown, request?: Pick<FastifyRequest, 'headers'>): PunchgateError {
  if (isPunchgateError(err)) return err
  const e = err as FastifyError
  if (hasZodFastifySchemaValidationErrors(e)) {
    const issues = e.validation.map((v) => `${v.instancePath || '/'} ${v.message}`).join('; ')
    return new PunchgateError('PG_ERR_API_VALIDATION', `Invalid request: ${issues}`, { details: { issues: e.validation } })
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PunchgateError('PG_ERR_BODY_TOO_LARGE', 'The body is larger than this endpoint accepts.')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new PunchgateError('PG_ERR_MEDIA_TYPE', unacceptedMediaType(request?.headers['content-type']))
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new PunchgateError('PG_ERR_NOT_FOUND', 'No resource has a path segment this long.')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new PunchgateError('PG_ERR_API_VALIDATION', e.message)
  }
  if (e?.statusCode === 400 && e.validation) return new PunchgateError('PG_ERR_API_VALIDATION', e.message)
  if (e?.statusCode === 400 || e?.statusCode === 415) return new PunchgateError('PG_ERR_API_VALIDATION', e.message)
  if (err instanceof DecisionNotWritten) {
    const cause = err.cause as { code?: string }
    // A value the database refuses stays the caller's input (400); anything else is ours, and retryable.
    return UNSTORABLE.has(cause?.code ?? '')
      ? new PunchgateError('PG_ERR_VALUE_UNSTORABLE', undefined, { cause })
      : new PunchgateError('PG_ERR_UNAVAILABLE', 'The gateway could not record this request; nothing was kept. Retry; a retried setup gets a fresh start link.', { cause })
  }
  if (isDatabaseUnavailable(e)) return new PunchgateError('PG_ERR_UNAVAILABLE', undefined, { cause: err })
  // A value the database refuses is the caller's input, not our fault: 400, never 500.
  if (UNSTORABLE.has(e?.code ?? '')) return new PunchgateError('PG_ERR_VALUE_UNSTORABLE', undefined, { cause: err })
  return new PunchgateError('PG_ERR_INTERNAL', undefined, { cause: err })
}

/** SQLSTATEs of values PostgreSQL cannot take: NUL in a bind (08P01), bad characters, overflow, too long. */
const UNSTORABLE = new Set(['08P01', '22021', '22P05', '22003', '22001'])

/**
 * The database is down, restarting, out of connections or out of disk (SQLSTATE classes 08, 53,
 * 57P): nothing was written, and a retry later may succeed (docs/operations.md, "When the
 * database is unavailable").
 */
const UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08006', '08001', '53100', '53300'])

/**
 * node-postgres reports a connection cut mid-query (a killed backend), and a query on a client
 * whose connection already broke, by message only, without a code.
 */
const CONNECTION_LOST = /Connection terminated( unexpectedly)?$|(encountered a connection error|was closed) and is not queryable$/

function isDatabaseUnavailable(e: { code?: string; name?: string; message?: string }): boolean {
  return UNAVAILABLE.has(e?.code ?? '') || e?.name === 'ConnectionException' || CONNECTION_LOST.test(e?.message ?? '')
}

export function registerErrorMapper(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => sendError(request, reply, toPunchgateError(err, request)))
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new PunchgateError('PG_ERR_NOT_FOUND', `No route ${request.method} ${redactPath(request.url.split('?')[0]!)}.`)),
  )
}

export function sendError(request: FastifyRequest, reply: FastifyReply, err: PunchgateError): FastifyReply {
  const status = err.httpStatus
  const level = status >= 500 ? 'error' : 'info'
  request.log[level]({ code: err.code, err: status >= 500 ? err.cause ?? err : undefined }, err.message)
  if (request.journal) {
    request.journal.outcome ??= status >= 500 ? 'error' : 'refused'
    request.journal.errorCode ??= err.code
    // A refusal on a session: its journal row links to it, and what it changes there is written with the row.
    if (err instanceof SessionRefusal) {
      if (err.sessionId) request.journal.sessionId = err.sessionId
      if (err.plan) request.journal.plan = err.plan
    }
  }
  const surface = request.routeOptions.config?.surface ?? 'json'
  const message = err.publicMessage
  // Nothing was kept: the caller may retry, and is told when.
  if (status === 503) reply.header('retry-after', '5')
  if (surface === 'cxml') {
    if (request.journal) request.journal.protocolStatus = err.cxmlStatus
    return reply
      .code(status)
      .type('text/xml; charset=utf-8')
      .send(
        buildStatusResponse({
          payloadID: newPayloadId('punchgate'),
          timestamp: new Date(),
          code: err.cxmlStatus,
          // The status's reason phrase: it says nothing the code does not.
          text: shortText(err.code),
          detail: `${message} (${err.code}; reference ${request.id})`,
        }),
      )
  }
  if (surface === 'html') {
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(errorPage(TITLES[err.code] ?? 'Punchout not possible', message, request.id))
  }
  return reply.code(status).send({
    code: err.code, message, reference: request.id,
    ...(err.code === 'PG_ERR_API_VALIDATION' && err.details ? { issues: err.details.issues } : {}),
    // A blocked cart: each finding with its line, SKU and rule, for the storefront to show (docs/api.md, "Cart checks").
    ...(err.code === 'PG_ERR_CART_CHECK_FAILED' && err.details ? { findings: err.details.findings } : {}),
  })
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 406: 'Not Acceptable',
  409: 'Conflict', 410: 'Gone', 413: 'Request Entity Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
}
const shortText = (code: ErrorCode) => STATUS_TEXT[ERRORS[code].cxml] ?? 'Error'

