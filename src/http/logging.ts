import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import type { Config } from '../config/index.ts'
import { redactPath } from './journal.ts'

/** pino paths that never reach a log line: secrets, tokens, cookies (docs/operations.md, "Logs and the journal"). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.sharedSecret',
  '*.password',
  '*.PASSWORD',
  '*.token',
  '*.assertion',
]

export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '***' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; headers: Record<string, unknown> }) => ({
        method: req.method,
        url: redactPath(req.url),
        remoteAddress: req.ip,
        userAgent: req.headers['user-agent'],
      }),
    },
  }
}

/**
 * Adds punchout context (payloadID, sessionId) to every later log line of this request —
 * including Fastify's own "request completed", which logs through the reply.
 */
export function bindLogContext(request: FastifyRequest, reply: FastifyReply, bindings: Record<string, string>): void {
  const child = request.log.child(bindings)
  request.log = child
  reply.log = child
}
