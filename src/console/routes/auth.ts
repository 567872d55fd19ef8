import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticateAgent } from '../../domain/accounts/agents.ts'
import { consumeOnce } from '../../domain/federation/single-use.ts'
import { formOf, pageContext, queryOf, sendPage, stateOf, type ConsoleKit } from '../context.ts'
import { signInBody } from '../pages/sign-in.ts'

/** The single-use key kind that marks a console session as signed out (plugin.ts checks it). */
export const SIGNED_OUT = 'console-signout'

/** Sign-in with an agent's e-mail and password, and sign-out. */
export async function authRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { deps, sessions, throttle } = kit
  const config = { consolePublic: true }

  app.get('/sign-in', { config }, async (request, reply) => {
    if (stateOf(request).principal) return reply.redirect('/console', 303)
    ensureAnonymousSession(kit, request, reply)
    return sendPage(kit, request, reply, 'Sign in', signInBody(pageContext(kit, request), { next: safeNext(queryOf(request).next) }))
  })

  app.post('/sign-in', { config }, async (request, reply) => {
    const form = formOf(request)
    const email = (form.get('email') ?? '').trim().slice(0, 320)
    const next = safeNext(form.get('next') ?? undefined)
    const key = `${email.toLowerCase()}|${request.ip}`
    const now = deps.now()
    const refuse = (error: string, status: number) =>
      sendPage(kit, request, reply, 'Sign in', signInBody(pageContext(kit, request), { next, email, error }), undefined, status)
    const wait = await throttle.blockedMinutes(key, now)
    if (wait > 0) return refuse(`Too many failed sign-ins for this e-mail. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`, 429)
    const principal = email ? await authenticateAgent(request.em, email, (form.get('password') ?? '').slice(0, 1024), now) : undefined
    if (!principal) {
      await throttle.fail(key, now)
      return refuse('The e-mail or password is wrong, or the account is disabled.', 401)
    }
    await throttle.succeed(key)
    // A fresh session id: whatever id the browser held before signing in is never promoted.
    sessions.write(reply, sessions.issue(principal.agentId, now), now)
    return reply.redirect(next ?? '/console', 303)
  })

  app.post('/sign-out', async (request, reply) => {
    const cookie = stateOf(request).cookie!
    await consumeOnce(request.em, SIGNED_OUT, cookie.sid, cookie.expiresAt)
    sessions.clear(reply)
    return reply.redirect('/console/sign-in', 303)
  })
}

/** The sign-in form's own session (for its CSRF token), unless the browser already has one. */
function ensureAnonymousSession(kit: ConsoleKit, request: FastifyRequest, reply: FastifyReply): void {
  const state = stateOf(request)
  if (state.cookie && !state.cookie.agentId) return
  const now = kit.deps.now()
  state.cookie = kit.sessions.issue(undefined, now)
  kit.sessions.write(reply, state.cookie, now)
}

/** Only a console path may follow the sign-in: never another site (an open redirect). */
function safeNext(next: string | undefined): string | undefined {
  return next && /^\/console(\/|\?|$)/.test(next) && !next.includes('\\') ? next : undefined
}
