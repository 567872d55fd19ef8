import type { RejectedRole } from '../../domain/console/review.ts'
import { PERMISSIONS, PERMISSION_NAMES } from '../../domain/provisioning/permissions.ts'
import type { RoleView } from '../../domain/provisioning/role-shapes.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, postForm, table, type PageContext } from '../layout.ts'

/** A role waiting for an admin: created pending at a setup, or refused at one and still unmapped. */
export interface ReviewItem {
  customer: { id: string; name: string }
  role: string
  kind: 'pending' | 'rejected'
  /** Pending: users who carry it; refused: failed setups that named it. */
  count: number
  since: Date
}

const mapLink = (customerId: string, role: string) => `/console/customers/${customerId}/roles?map=${encodeURIComponent(role)}#map`

export function reviewBody(items: ReviewItem[], windowDays: number): RawHtml {
  const rows = items.map((i) => html`<tr><td><a href="/console/customers/${i.customer.id}/roles">${i.customer.name}</a></td><td><strong>${i.role}</strong></td>
<td>${i.kind === 'pending' ? badge('pending') : badge('refused at setup', 'rejected')}</td>
<td class="num">${i.count} ${i.kind === 'pending' ? 'user(s)' : 'failed setup(s)'}</td><td>${formatTime(i.since)}</td>
<td><a class="button secondary" href="${mapLink(i.customer.id, i.role)}">Map</a></td></tr>`)
  return html`<h1>Roles waiting for review</h1><div class="card">
<p class="muted">Pending roles were created by a setup and grant the default role's permissions until mapped. Refused roles (customers whose policy rejects unknown roles) made setups fail in the last ${windowDays} days; buyers with them cannot punch out until the role is mapped.</p>
${table(html`<tr><th>Customer</th><th>Role</th><th>Why</th><th class="num">Affects</th><th>Since</th><th></th></tr>`, rows,
    'Nothing to review: no pending role, and no setup refused for an unknown role. Roles appear here when a buyer system sends one the supplier has not mapped.', 'review-list')}</div>`
}

export function rolesBody(ctx: PageContext, customer: Customer, roles: RoleView[], rejected: RejectedRole[], mapName: string | undefined, defaultRole: string): RawHtml {
  const manage = ctx.can('manage')
  const base = `/console/customers/${customer.id}/roles`
  const rows = roles.map((r) => html`<tr id="role-${r.name.toLowerCase()}"><td><strong>${r.name}</strong>${r.name.toLowerCase() === defaultRole.toLowerCase() ? html` <span class="muted">(default)</span>` : raw('')}</td>
<td>${badge(r.status)}</td><td>${r.permissions.map((p) => html`<code>${p}</code> `)}</td><td>${r.spendLimit ?? '—'}</td><td class="num">${r.userCount ?? 0}</td><td>${formatTime(r.updatedAt)}</td>
<td>${manage ? html`<details><summary>${r.status === 'pending' ? 'Map' : 'Remap'}</summary>${mappingForm(ctx, base, r.name, r.permissions, r.spendLimit)}
${r.name.toLowerCase() === defaultRole.toLowerCase() ? raw('') : postForm(ctx, `${base}/delete`, html`<input type="hidden" name="role" value="${r.name}"><button class="danger" type="submit">Delete mapping</button>`, { confirm: `Delete the mapping of ${r.name}? Its users meet the unknown-role policy at their next punchout.` })}</details>` : raw('')}</td></tr>`)
  const refusedRows = rejected.map((r) => html`<tr><td><strong>${r.role}</strong></td><td class="num">${r.sessions}</td><td>${formatTime(r.lastAt)}</td>
<td>${manage ? html`<a class="button secondary" href="${base}?map=${encodeURIComponent(r.role)}#map">Map</a>` : raw('')}</td></tr>`)
  return html`<h1>Roles of <a href="/console/customers/${customer.id}">${customer.name}</a></h1>
${rejected.length ? html`<div class="card error" id="refused-roles"><h2>Refused at setup, not mapped</h2>
${table(html`<tr><th>Role</th><th class="num">Failed setups</th><th>Last</th><th></th></tr>`, refusedRows, '')}</div>` : raw('')}
<div class="card"><h2>Mappings</h2>${table(html`<tr><th>Role</th><th>Status</th><th>Permissions</th><th>Spend limit</th><th class="num">Users</th><th>Updated</th><th></th></tr>`, rows,
    'No roles yet. Roles appear when buyers send them at setup, or when you map one below.', 'role-table')}</div>
${manage ? html`<div class="card" id="map"><h2>Map a role</h2>${mappingForm(ctx, base, mapName ?? '', roles.find((r) => r.name.toLowerCase() === mapName?.toLowerCase())?.permissions ?? [], null, true)}</div>` : raw('')}`
}

function mappingForm(ctx: PageContext, base: string, name: string, granted: readonly string[], spendLimit: number | null, editableName = false): RawHtml {
  const checks = PERMISSION_NAMES.map((p) => html`<label class="check"><input type="checkbox" name="permissions" value="${p}"${granted.includes(p) ? raw(' checked') : raw('')}> <code>${p}</code> <span class="muted">${PERMISSIONS[p]}</span></label>`)
  return postForm(ctx, base, html`${editableName
    ? html`<label>Role name, as the buyer system sends it <input name="role" value="${name}" required maxlength="200"></label>`
    : html`<input type="hidden" name="role" value="${name}">`}
${checks}<label>Spend limit (empty: none) <input name="spendLimit" inputmode="decimal" value="${spendLimit ?? ''}"></label>
<label>Reason (kept in the audit log) <input name="reason" maxlength="1000"></label><button type="submit">Save mapping</button>`, editableName ? { id: 'map-form' } : {})
}
