import type { FastifyServerOptions } from 'fastify'
import type { Config } from '../config/index.ts'
import { redactPath } from './journal.ts'

/** pino paths that never reach a log line: secrets, tokens, cookies (security.md §6.4). */
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
