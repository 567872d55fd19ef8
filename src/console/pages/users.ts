import type { UserView } from '../../domain/provisioning/user-view.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, postForm, table, type PageContext } from '../layout.ts'
import { actForBuyerForm } from './on-behalf.ts'

export interface UserSearch {
  customer?: Customer
  q?: string
  status?: 'active' | 'disabled'
  offset: number
  limit: number
}

export function usersBody(ctx: PageContext, customers: Customer[], search: UserSearch, users: UserView[]): RawHtml {
  const c = search.customer
  const opt = (value: string, label: string, current?: string) => html`<option value="${value}"${value === current ? raw(' selected') : raw('')}>${label}</option>`
  const filters = html`<form method="get" action="/console/users" class="filters" id="user-search">
<label>Customer <select name="customer">${customers.map((x) => opt(x.id, x.name, c?.id))}</select></label>
<label>Search (name, e-mail, unique name) <input type="search" name="q" value="${search.q ?? ''}" maxlength="200"></label>
<label>Status <select name="status">${opt('', 'any')}${opt('active', 'active', search.status)}${opt('disabled', 'disabled', search.status)}</select></label>
<div><button type="submit">Search</button></div></form>`
  if (!c) return html`<h1>Buyer users</h1><div class="card"><p class="empty">No customers to show users of.</p></div>`
  const rows = users.map((u) => html`<tr><td><code>${u.uniqueName}</code>${u.unidentified ? html` <span class="muted">(stand-in)</span>` : raw('')}</td>
<td>${u.displayName ?? [u.firstName, u.lastName].filter(Boolean).join(' ')}</td><td>${u.email ?? '—'}</td><td>${u.roles.join(', ')}</td>
<td>${badge(u.status)}</td><td>${formatTime(u.lastSeenAt)}</td><td><a href="/console/sessions?customer=${c.id}&amp;user=${u.id}">Sessions</a></td>
<td>${ctx.can('operate') ? statusForm(ctx, u) : raw('')}</td>
<td>${ctx.can('operate') && u.status === 'active' && !u.unidentified ? actForBuyerForm(ctx, u) : raw('')}</td></tr>`)
  const next = users.length === search.limit
    ? html`<p><a class="button secondary" id="next-page" href="/console/users?${new URLSearchParams({ customer: c.id, ...(search.q ? { q: search.q } : {}), ...(search.status ? { status: search.status } : {}), offset: String(search.offset + search.limit) }).toString()}">Next page</a></p>`
    : raw('')
  const empty = search.q || search.status
    ? 'No user of this customer matches the search.'
    : 'No buyer users yet: users are created at their first punchout (just-in-time provisioning).'
  return html`<h1>Buyer users</h1><div class="card">${filters}</div><div class="card"><h2>${c.name}</h2>
${table(html`<tr><th>Unique name</th><th>Name</th><th>E-mail</th><th>Roles</th><th>Status</th><th>Last seen</th><th></th><th></th><th></th></tr>`, rows, empty, 'user-table')}${next}</div>`
}

function statusForm(ctx: PageContext, u: UserView): RawHtml {
  const action = u.status === 'active' ? 'disable' : 'enable'
  return html`<details><summary>${action === 'disable' ? 'Disable' : 'Enable'}</summary>${postForm(ctx, `/console/users/${u.id}/${action}`, html`
<label>Reason (kept in the audit log) <input name="reason" maxlength="1000" ${action === 'disable' ? raw('required') : raw('')}></label>
<button class="${action === 'disable' ? 'danger' : ''}" type="submit">${action === 'disable' ? 'Disable user' : 'Enable user'}</button>`)}</details>`
}
