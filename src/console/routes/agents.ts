import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { agentInputSchema, agentPasswordSchema, agentPatchSchema } from '../../../schemas/api/agents.ts'
import { createAgent, getAgent, listAgents, patchAgent, setAgentPassword } from '../../domain/accounts/agents.ts'
import { listCustomers } from '../../domain/customers/manage.ts'
import { isPunchgateError, PunchgateError } from '../../errors/index.ts'
import { actorOf, agentOf, formOf, pageContext, parseWith, queryOf, requireCapability, sendPage, type ConsoleKit } from '../context.ts'
import {
  agentBody, agentListBody, agentNewBody, newAgentValues, type AgentDetail, type AgentFormValues, type FormError, type ScopeChoices,
} from '../pages/agents.ts'
import { checkedId } from './customers.ts'

type IdParams = { Params: { id: string } }

/** Refusals the agent can fix in the form, which is shown again with them; anything else is an error page. */
const FORM_CODES = new Set(['PG_ERR_API_VALIDATION', 'PG_ERR_CONFLICT'])

/** What the page says after a change, by the `done` the change redirected with. */
const DONE = new Map([
  ['created', 'Agent created.'],
  ['saved', 'Changes saved.'],
  ['disabled', 'Agent disabled: they cannot sign in, and a console session they have open ends at their next click.'],
  ['enabled', 'Agent enabled: they can sign in again.'],
  ['password', 'Password set. It is not shown again.'],
])

/**
 * Agent accounts (docs/console.md, "Agents"): the API's /api/agents as pages. Every page and form
 * takes `manage`, reads included, as the API does; the domain keeps a scoped admin to agents
 * within its customers, and the forms offer only those customers.
 */
export async function agentRoutes(app: FastifyInstance, kit: ConsoleKit): Promise<void> {
  const { deps } = kit

  app.get('/agents', async (request, reply) => {
    requireCapability(request, 'manage')
    const { actor, agentId } = agentOf(request)
    const agents = await listAgents(request.em, actor)
    const customers = await listCustomers(request.em, actor)
    return sendPage(kit, request, reply, 'Agents', agentListBody(agents, customers, agentId), 'agents')
  })

  app.get('/agents/new', async (request, reply) => {
    requireCapability(request, 'manage')
    const choices = await scopeChoices(request)
    return sendPage(kit, request, reply, 'New agent', agentNewBody(pageContext(kit, request), choices, newAgentValues(choices)), 'agents')
  })

  app.post('/agents', async (request, reply) => {
    requireCapability(request, 'manage')
    const form = formOf(request)
    const values = formValues(form)
    const password = form.get('password') ?? ''
    try {
      const scope = customerScope(values)
      const input = parseWith(agentInputSchema, { email: values.email, name: values.name, role: values.role, customerIds: scope, ...(password ? { password } : {}) })
      const agent = await createAgent(request.em, actorOf(request), input, deps.now())
      return reply.redirect(`/console/agents/${agent.id}?done=created`, 303)
    } catch (err) {
      const { error, status } = refusal(request, err)
      const choices = await scopeChoices(request)
      return sendPage(kit, request, reply, 'New agent', agentNewBody(pageContext(kit, request), choices, values, error), 'agents', status)
    }
  })

  app.get<IdParams>('/agents/:id', async (request, reply) => {
    requireCapability(request, 'manage')
    const done = DONE.get(queryOf(request).done ?? '')
    return showAgent(request, reply, request.params.id, done ? { done } : {})
  })

  app.post<IdParams>('/agents/:id', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const values = formValues(formOf(request))
    try {
      const patch = parseWith(agentPatchSchema, { name: values.name, role: values.role, customerIds: customerScope(values) })
      await patchAgent(request.em, actorOf(request), id, patch, deps.now())
    } catch (err) {
      const { error, status } = refusal(request, err)
      return showAgent(request, reply, id, { edit: { values, error } }, status)
    }
    return reply.redirect(`/console/agents/${id}?done=saved`, 303)
  })

  for (const action of ['disable', 'enable'] as const) {
    app.post<IdParams>(`/agents/:id/${action}`, async (request, reply) => {
      requireCapability(request, 'manage')
      const id = checkedId(request.params.id)
      await patchAgent(request.em, actorOf(request), id, { disabled: action === 'disable' }, deps.now())
      return reply.redirect(`/console/agents/${id}?done=${action}d`, 303)
    })
  }

  app.post<IdParams>('/agents/:id/password', async (request, reply) => {
    requireCapability(request, 'manage')
    const id = checkedId(request.params.id)
    const form = formOf(request)
    try {
      const password = form.get('password') ?? ''
      if (password !== form.get('confirm')) throw new PunchgateError('PG_ERR_API_VALIDATION', 'Please correct: the two passwords differ.')
      await setAgentPassword(request.em, actorOf(request), id, parseWith(agentPasswordSchema, { password }).password, deps.now())
    } catch (err) {
      const { error, status } = refusal(request, err)
      return showAgent(request, reply, id, { passwordError: error }, status)
    }
    return reply.redirect(`/console/agents/${id}?done=password`, 303)
  })

  // A fresh context: after a refused change, the request's own may still hold what was refused.
  async function showAgent(request: FastifyRequest, reply: FastifyReply, id: string, extra: Partial<AgentDetail>, status = 200) {
    const { actor, agentId } = agentOf(request)
    const agent = await getAgent(request.em.fork(), actor, checkedId(id))
    const detail: AgentDetail = { agent, self: agent.id === agentId, choices: await scopeChoices(request), ...extra }
    return sendPage(kit, request, reply, agent.name, agentBody(pageContext(kit, request), detail), 'agents', status)
  }
}

/** The customers the signed-in agent sees; only an agent who has every customer may hand out every customer. */
async function scopeChoices(request: FastifyRequest): Promise<ScopeChoices> {
  const actor = agentOf(request).actor
  return { customers: await listCustomers(request.em.fork(), actor), mayGrantEvery: actor.customerIds === null }
}

function formValues(form: URLSearchParams): AgentFormValues {
  const text = (name: string) => (form.get(name) ?? '').slice(0, 1000)
  return {
    email: text('email').trim(), name: text('name'), role: text('role'),
    scope: form.get('scope') === 'all' ? 'all' : 'customers',
    customerIds: form.getAll('customerIds').slice(0, 1000),
  }
}

/** The scope the form asks for: null for every customer, else the customers ticked (at least one). */
function customerScope(v: AgentFormValues): string[] | null {
  if (v.scope === 'all') return null
  if (v.customerIds.length === 0) throw new PunchgateError('PG_ERR_API_VALIDATION', 'Please correct: choose at least one customer (or every customer).')
  return v.customerIds
}

/** A refusal to show above the form, with its HTTP status; anything else is rethrown for the error page. */
function refusal(request: FastifyRequest, err: unknown): { error: FormError; status: number } {
  if (!isPunchgateError(err) || !FORM_CODES.has(err.code)) throw err
  return { error: { code: err.code, message: err.publicMessage, reference: request.id }, status: err.httpStatus }
}
