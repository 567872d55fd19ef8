import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ZodType } from 'zod'
import type { AgentPrincipal } from '../domain/accounts/agents.ts'
import { roleMay, type Capability } from '../domain/accounts/capabilities.ts'
import type { Actor } from '../domain/audit/audit.ts'
import type { Deps } from '../domain/deps.ts'
import { PunchgateError } from '../errors/index.ts'
import type { RawHtml } from '../web/html.ts'
import { consolePage, type NavItem, type PageContext } from './layout.ts'
import type { ConsoleCookie, ConsoleSessions } from './security.ts'
import type { SignInThrottle } from './throttle.ts'

/** What the console's hooks learn about a request before its route runs (plugin.ts). */
export interface ConsoleState {
  nonce: string
  cookie?: ConsoleCookie
  /** The signed-in agent, re-read from the database on every request. */
  principal?: AgentPrincipal
  /** A POST's form fields, parsed once by the CSRF check. */
  form?: URLSearchParams
}

declare module 'fastify' {
  interface FastifyRequest {
    consoleState?: ConsoleState
  }
  interface FastifyContextConfig {
    /** A console route anyone may open (the sign-in form). */
    consolePublic?: boolean
  }
}

/** What every console route module is registered with. */
export interface ConsoleKit {
  deps: Deps
  sessions: ConsoleSessions
  /** Failed sign-ins, per e-mail and address. */
  throttle: SignInThrottle
}

export const stateOf = (request: FastifyRequest): ConsoleState => request.consoleState!

/** The signed-in agent; the plugin's guard has already sent everyone else to the sign-in form. */
export function agentOf(request: FastifyRequest): AgentPrincipal {
  const principal = stateOf(request).principal
  if (!principal) throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'Sign in to the console first.')
  return principal
}

/**
 * The agent as the domain's actor, with the reason typed into the form (if any): every audit
 * entry the change writes carries it.
 */
export function actorOf(request: FastifyRequest): Actor {
  const actor = agentOf(request).actor
  const reason = reasonOf(request)
  return reason ? { ...actor, reason } : actor
}

/** The form's reason field: one line of text, as the API's X-Audit-Reason (at most 1000 characters, no control characters). */
export function reasonOf(request: FastifyRequest): string | undefined {
  const reason = stateOf(request).form?.get('reason')?.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 1000)
  return reason || undefined
}

/** Refuses, server-side, what the agent's role may not do — whatever the page showed. */
export function requireCapability(request: FastifyRequest, capability: Capability): void {
  const { actor } = agentOf(request)
  if (!roleMay(actor.role, capability)) {
    throw new PunchgateError('PG_ERR_API_FORBIDDEN', `Your role (${actor.role}) cannot do this: it needs the ${capability} capability.`)
  }
}

export function pageContext(kit: ConsoleKit, request: FastifyRequest): PageContext {
  const state = stateOf(request)
  const principal = state.principal
  return {
    agent: principal && { name: principal.name, email: principal.email, role: principal.actor.role },
    csrf: state.cookie ? kit.sessions.csrfToken(state.cookie) : '',
    nonce: state.nonce,
    can: (capability) => Boolean(principal && roleMay(principal.actor.role, capability)),
  }
}

export function sendPage(kit: ConsoleKit, request: FastifyRequest, reply: FastifyReply, title: string, body: RawHtml, nav?: NavItem, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').send(consolePage(pageContext(kit, request), title, body, nav))
}

/** A POST's fields, parsed once by the CSRF check; empty for any other request. */
export function formOf(request: FastifyRequest): URLSearchParams {
  return stateOf(request).form ?? new URLSearchParams()
}

export function parseForm(request: FastifyRequest): URLSearchParams {
  return new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '')
}

/** Query-string values as the console reads them: one string each, trimmed, empty as absent. */
export function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    const v = Array.isArray(value) ? value[0] : value
    if (typeof v === 'string' && v.trim()) out[key] = v.trim()
  }
  return out
}

/** A form's values through the domain's own schema; a refusal names each field that is wrong. */
export function parseWith<T>(schema: ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => `${i.path.length ? `${i.path.map(String).join('.')}: ` : ''}${i.message}`)
  throw new PunchgateError('PG_ERR_API_VALIDATION', `Please correct: ${issues.join('; ')}.`)
}
