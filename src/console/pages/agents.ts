import type { AgentView } from '../../domain/accounts/agents.ts'
import { AGENT_ROLES } from '../../domain/accounts/capabilities.ts'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../domain/accounts/passwords.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, postForm, table, type PageContext } from '../layout.ts'

/** A form's refusal as the agent sees it above the form: the message, the stable code and the reference to quote. */
export interface FormError {
  code: string
  message: string
  reference: string
}

/** The account form as typed (never a password: it is not sent back to the browser). */
export interface AgentFormValues {
  email: string
  name: string
  role: string
  /** `all`: every customer; `customers`: the ones in customerIds. */
  scope: 'all' | 'customers'
  customerIds: string[]
}

/** What the scope fields may offer: the customers the signed-in agent sees, and every customer only to an unscoped agent. */
export interface ScopeChoices {
  customers: Customer[]
  mayGrantEvery: boolean
}

export interface AgentDetail {
  agent: AgentView
  self: boolean
  choices: ScopeChoices
  /** A notice after a change that succeeded (the page it redirected to). */
  done?: string
  edit?: { values: AgentFormValues; error: FormError }
  passwordError?: FormError
}

const ROLE_HELP: Record<(typeof AGENT_ROLES)[number], string> = {
  admin: 'admin: everything, agent accounts included',
  support: 'support: read, and disable or enable buyer users',
  auditor: 'auditor: read only',
}

const passwordHint = `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`
const reasonField = (required = false) =>
  html`<label>Reason (kept in the audit log) <input name="reason" maxlength="1000"${required ? raw(' required') : raw('')}></label>`

/** "every customer", or the customers' names (an id the agent cannot resolve stays an id). */
export function scopeText(customerIds: readonly string[] | null, customers: Customer[]): string {
  if (customerIds === null) return 'every customer'
  const names = new Map(customers.map((c) => [c.id, c.name]))
  return customerIds.map((id) => names.get(id) ?? id).join(', ')
}

export function agentListBody(agents: AgentView[], customers: Customer[], selfId: string): RawHtml {
  const rows = agents.map((a) => html`<tr><td><a href="/console/agents/${a.id}">${a.email}</a>${a.id === selfId ? html` <span class="muted">(you)</span>` : raw('')}</td>
<td>${a.name}</td><td>${a.role}</td><td>${scopeText(a.customerIds, customers)}</td>
<td>${a.disabled ? badge('disabled') : badge('active')}${a.hasPassword ? raw('') : html` ${badge('no password', 'pending')}`}</td><td>${formatTime(a.lastSignInAt)}</td></tr>`)
  return html`<h1>Agents</h1><div class="card">
<p class="muted">The people who sign in to this console. An agent limited to some customers sees only those; you see the agents within your own customers.</p>
<p><a class="button" href="/console/agents/new" id="new-agent">New agent</a></p>
${table(html`<tr><th>E-mail</th><th>Name</th><th>Role</th><th>Customers</th><th>Status</th><th>Last sign-in</th></tr>`, rows,
    'No agent accounts within your customers yet. Create one with New agent.', 'agent-table')}</div>`
}

export function newAgentValues(choices: ScopeChoices): AgentFormValues {
  const only = choices.customers.length === 1 ? [choices.customers[0]!.id] : []
  return { email: '', name: '', role: 'support', scope: choices.mayGrantEvery ? 'all' : 'customers', customerIds: only }
}

export function agentNewBody(ctx: PageContext, choices: ScopeChoices, v: AgentFormValues, error?: FormError): RawHtml {
  return html`<h1>New agent</h1>${formError(error)}<div class="card">${postForm(ctx, '/console/agents', html`
<div class="filters"><label>E-mail (their sign-in) <input type="email" name="email" value="${v.email}" required maxlength="320" autocomplete="off"></label>
<label>Name <input name="name" value="${v.name}" required maxlength="200"></label></div>${roleSelect(v.role)}
${scopeFields(choices, v)}
<label>Initial password (${passwordHint}; empty: none yet, the agent cannot sign in until one is set)
<input type="password" name="password" minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}" autocomplete="new-password"></label>
${reasonField()}<button type="submit">Create agent</button> <a class="button secondary" href="/console/agents">Cancel</a>`, { id: 'agent-form' })}</div>`
}

export function agentBody(ctx: PageContext, d: AgentDetail): RawHtml {
  const a = d.agent
  return html`<h1>${a.name}</h1><p class="muted">${a.email} · <a href="/console/agents">All agents</a></p>
${d.done ? html`<div class="card notice" id="done" role="status"><p>${d.done}</p></div>` : raw('')}
<div class="grid">${accountCard(a, d.choices.customers)}${editCard(ctx, d)}</div>
<div class="grid">${statusCard(ctx, a, d.self)}${passwordCard(ctx, a, d.passwordError)}</div>`
}

function accountCard(a: AgentView, customers: Customer[]): RawHtml {
  return html`<div class="card" id="account"><h2>Account</h2><dl class="settings">
<dt>E-mail</dt><dd>${a.email}</dd><dt>Name</dt><dd>${a.name}</dd><dt>Role</dt><dd>${a.role}</dd>
<dt>Customers</dt><dd>${scopeText(a.customerIds, customers)}</dd>
<dt>Status</dt><dd>${a.disabled ? badge('disabled') : badge('active')}</dd>
<dt>Password</dt><dd>${a.hasPassword ? 'set' : 'none: cannot sign in until one is set'}</dd>
<dt>Last sign-in</dt><dd>${formatTime(a.lastSignInAt)}</dd><dt>Created</dt><dd>${formatTime(a.createdAt)}</dd><dt>Updated</dt><dd>${formatTime(a.updatedAt)}</dd></dl></div>`
}

/** The values an agent's edit form starts with. */
export function agentFormValues(a: AgentView): AgentFormValues {
  return { email: a.email, name: a.name, role: a.role, scope: a.customerIds === null ? 'all' : 'customers', customerIds: a.customerIds ?? [] }
}

function editCard(ctx: PageContext, d: AgentDetail): RawHtml {
  const v = d.edit?.values ?? agentFormValues(d.agent)
  return html`<div class="card" id="edit"><h2>Edit</h2>${formError(d.edit?.error)}${postForm(ctx, `/console/agents/${d.agent.id}`, html`
<p class="muted">The e-mail does not change.</p>
<label>Name <input name="name" value="${v.name}" required maxlength="200"></label>${roleSelect(v.role)}
${scopeFields(d.choices, v)}${reasonField()}<button type="submit">Save</button>`, { id: 'edit-form' })}</div>`
}

function statusCard(ctx: PageContext, a: AgentView, self: boolean): RawHtml {
  const action = a.disabled ? 'enable' : 'disable'
  const confirm = self ? 'Disable your own account? You are signed out at once.' : `Disable ${a.email}? Their console session ends at their next click.`
  return html`<div class="card" id="status"><h2>${a.disabled ? 'Enable' : 'Disable'}</h2>
<p class="muted">${a.disabled ? 'A disabled agent cannot sign in. Enabling lets them sign in again with their password.' : 'A disabled agent cannot sign in, and a console session they have open ends at their next click.'}</p>
${postForm(ctx, `/console/agents/${a.id}/${action}`, html`${reasonField(action === 'disable')}
<button class="${action === 'disable' ? 'danger' : ''}" type="submit">${action === 'disable' ? 'Disable agent' : 'Enable agent'}</button>`,
    { id: 'status-form', ...(action === 'disable' ? { confirm } : {}) })}</div>`
}

function passwordCard(ctx: PageContext, a: AgentView, error?: FormError): RawHtml {
  return html`<div class="card" id="password"><h2>Set password</h2>${formError(error)}
<p class="muted">${passwordHint}. Stored only as a hash; give it to the agent through a secure channel.</p>
${postForm(ctx, `/console/agents/${a.id}/password`, html`
<label>New password <input type="password" name="password" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}" autocomplete="new-password"></label>
<label>New password again <input type="password" name="confirm" required minlength="${PASSWORD_MIN_LENGTH}" maxlength="${PASSWORD_MAX_LENGTH}" autocomplete="new-password"></label>
${reasonField()}<button type="submit">Set password</button>`, { id: 'password-form' })}</div>`
}

function roleSelect(current: string): RawHtml {
  const options = AGENT_ROLES.map((r) => html`<option value="${r}"${r === current ? raw(' selected') : raw('')}>${ROLE_HELP[r]}</option>`)
  return html`<label>Role <select name="role">${options}</select></label>`
}

/** Every customer (only for an agent who has every customer), or some of the agent's own customers. */
function scopeFields(choices: ScopeChoices, v: AgentFormValues): RawHtml {
  const some = v.scope === 'customers'
  const boxes = choices.customers.map((c) => html`<label class="check"><input type="checkbox" name="customerIds" value="${c.id}"${v.customerIds.includes(c.id) ? raw(' checked') : raw('')}> ${c.name}</label>`)
  const list = boxes.length ? html`<div class="choices">${boxes}</div>` : html`<p class="empty">No customers to choose from yet.</p>`
  if (!choices.mayGrantEvery) {
    return html`<fieldset id="scope"><legend>Customers (at least one)</legend><input type="hidden" name="scope" value="customers">${list}</fieldset>`
  }
  return html`<fieldset id="scope"><legend>Customers</legend>
<label class="check"><input type="radio" name="scope" value="all"${some ? raw('') : raw(' checked')}> Every customer, also those created later</label>
<label class="check"><input type="radio" name="scope" value="customers"${some ? raw(' checked') : raw('')}> Only these customers:</label>${list}</fieldset>`
}

function formError(error?: FormError): RawHtml {
  return error
    ? html`<div class="card error" role="alert" id="form-error"><p>${error.message}</p><p class="muted">Code <code>${error.code}</code> · reference <code>${error.reference}</code></p></div>`
    : raw('')
}
