import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { agentPrincipal } from '../domain/accounts/agents.ts'
import type { Deps } from '../domain/deps.ts'
import { wasConsumed } from '../domain/federation/single-use.ts'
import { PunchgateError } from '../errors/index.ts'
import { newNonce } from '../web/html.ts'
import { parseForm, sendPage, stateOf, type ConsoleKit } from './context.ts'
import { errorBody } from './layout.ts'
import { agentRoutes } from './routes/agents.ts'
import { authRoutes, SIGNED_OUT } from './routes/auth.ts'
import { customerRoutes } from './routes/customers.ts'
import { homeRoutes } from './routes/home.ts'
import { priceRoutes } from './routes/prices.ts'
import { replayRoutes } from './routes/replay.ts'
import { roleRoutes } from './routes/roles.ts'
import { sessionRoutes } from './routes/sessions.ts'
import { userRoutes } from './routes/users.ts'
import { ConsoleSessions, sameOriginPost, secureHeaders } from './security.ts'
import type { SignInThrottle } from './throttle.ts'

/** What the console needs from the gateway that mounts it (src/http/app.ts). */
export interface ConsoleOptions {
  deps: Deps
  /** The gateway's one mapping of anything thrown to a PunchgateError (src/http/error-mapper.ts). */
  toError(err: unknown): PunchgateError
  /** Where failed sign-ins are counted: in Redis with REDIS_URL (shared by the replicas), else in this process. */
  signInThrottle: SignInThrottle
}

/**
 * The support console (docs/console.md): server-rendered pages for agents, mounted under
 * /console. Routes stay thin: they call the domain with the signed-in agent as the actor, so
 * capabilities and customer scope apply exactly as in the API. Its requests are not protocol
 * requests and are not journaled; its writes are audited by the domain functions they call.
 */
export async function registerConsole(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const { deps } = options
  const kit: ConsoleKit = { deps, sessions: new ConsoleSessions(deps.hasher, deps.config.publicUrl.startsWith('https:')), throttle: options.signInThrottle }
  const publicOrigin = new URL(deps.config.publicUrl).origin

  app.addHook('onRequest', async (request, reply) => {
    const state = { nonce: newNonce() }
    request.consoleState = state
    reply.headers(secureHeaders(state.nonce))
    await signedInAgent(kit, request)
    if (request.routeOptions.config?.consolePublic || stateOf(request).principal) return
    if (request.method === 'GET' || request.method === 'HEAD') {
      return reply.redirect(`/console/sign-in?next=${encodeURIComponent(request.url)}`, 303)
    }
    throw new PunchgateError('PG_ERR_API_UNAUTHORIZED', 'Your console session has ended or the account was disabled: sign in again.')
  })

  // Every POST: the session's CSRF token, and a browser that says the form came from here.
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST') return
    const state = stateOf(request)
    state.form = parseForm(request)
    if (!state.cookie || !sameOriginPost(request, publicOrigin) || !kit.sessions.csrfValid(state.cookie, state.form.get('_csrf'))) {
      throw new PunchgateError('PG_ERR_API_FORBIDDEN', 'This form has expired or did not come from the console. Reload the page and send it again.')
    }
  })

  app.setErrorHandler((err, request, reply) => sendConsoleError(kit, request, reply, options.toError(err), publicOrigin))
  app.setNotFoundHandler((request, reply) =>
    sendConsoleError(kit, request, reply, new PunchgateError('PG_ERR_NOT_FOUND', 'There is no such console page.'), publicOrigin))

  await app.register(authRoutes, kit)
  await app.register(homeRoutes, kit)
  await app.register(sessionRoutes, kit)
  await app.register(replayRoutes, kit)
  await app.register(customerRoutes, kit)
  await app.register(priceRoutes, kit)
  await app.register(roleRoutes, kit)
  await app.register(userRoutes, kit)
  await app.register(agentRoutes, kit)
}

/**
 * The cookie's agent, if the cookie is ours, unexpired and not signed out, and the account still
 * exists and is enabled: checked on every request, so a disabled agent is out at once.
 */
async function signedInAgent(kit: ConsoleKit, request: FastifyRequest): Promise<void> {
  const state = stateOf(request)
  const cookie = kit.sessions.read(request, kit.deps.now())
  if (!cookie) return
  state.cookie = cookie
  if (!cookie.agentId || (await wasConsumed(request.em, SIGNED_OUT, cookie.sid))) return
  const principal = await agentPrincipal(request.em, cookie.agentId)
  if (principal) state.principal = principal
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Please check what was sent',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not changed',
  503: 'Not available right now',
}

/** A refusal as a console page: title, message, code, reference, and the way back. */
function sendConsoleError(kit: ConsoleKit, request: FastifyRequest, reply: FastifyReply, err: PunchgateError, publicOrigin: string) {
  request.log[err.httpStatus >= 500 ? 'error' : 'info']({ code: err.code, err: err.httpStatus >= 500 ? err.cause ?? err : undefined }, err.message)
  request.consoleState ??= { nonce: newNonce() }
  reply.headers(secureHeaders(stateOf(request).nonce))
  if (err.httpStatus === 503) reply.header('retry-after', '5')
  const body = errorBody({
    title: TITLES[err.httpStatus] ?? (err.httpStatus >= 500 ? 'Something went wrong' : 'Not possible'),
    code: err.code,
    message: err.publicMessage,
    reference: request.id,
    back: backLink(request, publicOrigin),
  })
  return sendPage(kit, request, reply, 'Error', body, undefined, err.httpStatus)
}

/** Where "Back" goes after a refused form: the console page it was sent from, if the browser said. */
function backLink(request: FastifyRequest, publicOrigin: string): string | undefined {
  if (request.method !== 'POST') return undefined
  const referer = request.headers.referer
  return referer?.startsWith(`${publicOrigin}/console`) ? referer.slice(publicOrigin.length) : '/console'
}
