import { JOURNAL_CHANNELS, JOURNAL_OUTCOMES, SESSION_OPERATIONS, SESSION_STATUSES, type RequestSummary, type SessionSummary } from '../../domain/journal/views.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, table } from '../layout.ts'

/** The filter form's values as typed (query-string strings). */
export type FilterValues = Record<string, string | undefined>

const option = (value: string, label: string, current?: string) => html`<option value="${value}"${value === current ? raw(' selected') : raw('')}>${label}</option>`

function select(name: string, label: string, values: readonly string[], current?: string): RawHtml {
  return html`<label>${label} <select name="${name}">${option('', 'any')}${values.map((v) => option(v, v.replace(/_/g, ' '), current))}</select></label>`
}

const input = (name: string, label: string, v: FilterValues, attrs = '') =>
  html`<label>${label} <input name="${name}" value="${v[name] ?? ''}"${raw(attrs ? ` ${attrs}` : '')}></label>`

/** datetime-local shows minutes; the form's times are UTC, like every time in the console. */
const localTime = (v?: string) => (v ? v.replace(/:\d\d(\.\d+)?Z$/, '').replace(/Z$/, '') : undefined)

function customerSelect(customers: Customer[], current?: string): RawHtml {
  return html`<label>Customer <select name="customer">${option('', 'any')}${customers.map((c) => option(c.id, c.name, current))}</select></label>`
}

const nextLink = (base: string, v: FilterValues, cursor: string | null) => {
  if (!cursor) return raw('')
  const params = new URLSearchParams(Object.entries({ ...v, cursor }).filter((e): e is [string, string] => Boolean(e[1])))
  return html`<p><a class="button secondary" id="next-page" href="${base}?${params.toString()}">Next page</a></p>`
}

export function sessionsBody(customers: Customer[], v: FilterValues, page: { items: SessionSummary[]; nextCursor: string | null }): RawHtml {
  const rows = page.items.map((s) => html`<tr><td class="when"><a href="/console/sessions/${s.id}">${formatTime(s.createdAt)}</a></td>
<td><a href="/console/customers/${s.customer.id}">${s.customer.name}</a></td><td>${s.user ? html`${s.user.name ?? ''} <span class="muted">${s.user.email ?? ''}</span>` : '—'}</td>
<td>${s.protocol} ${s.operation}</td><td>${badge(s.status)}</td><td>${s.failure ? html`<code>${s.failure.code}</code>` : ''}</td>
<td><code class="ref">${s.payloadId ?? ''}</code></td><td><a href="/console/sessions/${s.id}">Open</a></td></tr>`)
  const filtered = Object.entries(v).some(([k, x]) => k !== 'cursor' && x)
  const exportQuery = new URLSearchParams(Object.entries(v).filter((e): e is [string, string] => Boolean(e[1]) && e[0] !== 'cursor'))
  return html`<h1>Punchout sessions</h1>
<div class="card"><form method="get" action="/console/sessions" id="session-filters"><div class="filters">
${customerSelect(customers, v.customer)}${select('status', 'Status', SESSION_STATUSES, v.status)}
${input('failureCode', 'Failure code', v, 'placeholder="PG_ERR_ROLE_REJECTED" maxlength="60"')}
${select('protocol', 'Protocol', ['cxml', 'oci'], v.protocol)}${select('operation', 'Operation', SESSION_OPERATIONS, v.operation)}
<label>From (UTC) <input type="datetime-local" name="from" value="${localTime(v.from) ?? ''}"></label>
<label>To (UTC) <input type="datetime-local" name="to" value="${localTime(v.to) ?? ''}"></label>
${input('payloadId', 'payloadID', v, 'maxlength="400"')}${input('buyerCookie', 'BuyerCookie', v, 'maxlength="2000"')}
${input('q', 'Buyer (start of e-mail or name)', v, 'maxlength="200"')}
${v.user ? html`<input type="hidden" name="user" value="${v.user}">` : raw('')}</div>
<button type="submit">Search</button> <a class="button secondary" href="/console/sessions">Clear</a>
<span class="muted">Export this list: <a href="/console/sessions/export?${exportQuery.toString()}&amp;format=csv">CSV</a> · <a href="/console/sessions/export?${exportQuery.toString()}&amp;format=ndjson">NDJSON</a></span></form></div>
<div class="card">${table(
    html`<tr><th>Created</th><th>Customer</th><th>Buyer</th><th>Punchout</th><th>Status</th><th>Failure</th><th>payloadID</th><th></th></tr>`,
    rows,
    filtered ? 'No session matches these filters.' : 'No punchout sessions yet. Every setup request that authenticates becomes a session and appears here, newest first.',
    'session-table',
  )}${nextLink('/console/sessions', v, page.nextCursor)}</div>`
}

export function requestsBody(customers: Customer[], v: FilterValues, page: { items: RequestSummary[]; nextCursor: string | null }): RawHtml {
  const rows = page.items.map((r) => html`<tr><td class="when"><a href="/console/requests/${r.id}">${formatTime(r.at)}</a><div class="muted">ref <code class="ref">${r.requestId}</code></div></td>
<td>${r.channel} <code>${r.method} ${r.path}</code></td><td>${r.customer ? html`<a href="/console/customers/${r.customer.id}">${r.customer.name}</a>` : html`<span class="muted">not identified</span>`}</td>
<td><code class="ref">${r.payloadId ?? ''}</code></td><td>${r.httpStatus}</td><td>${badge(r.outcome, r.outcome === 'ok' ? 'ok' : 'failed')}${r.error ? html`<div><code>${r.error.code}</code></div>` : raw('')}</td>
<td>${r.sessionId ? html`<a href="/console/sessions/${r.sessionId}">session</a>` : html`<span class="muted">no session</span>`}</td></tr>`)
  return html`<h1>Requests</h1>
<div class="card"><p class="muted">Every answered protocol request is in the journal, also those that never became a session (a bad secret, malformed XML, an unknown credential). Search by the buyer's payloadID or by the reference an error answer showed.</p>
<form method="get" action="/console/requests" id="request-filters"><div class="filters">
${input('payloadId', 'payloadID', v, 'maxlength="400"')}${input('requestId', 'Reference', v, 'maxlength="64"')}
${customerSelect(customers, v.customer)}${select('outcome', 'Outcome', JOURNAL_OUTCOMES, v.outcome)}${select('channel', 'Channel', JOURNAL_CHANNELS, v.channel)}
${input('errorCode', 'Error code', v, 'maxlength="60"')}
<label>From (UTC) <input type="datetime-local" name="from" value="${localTime(v.from) ?? ''}"></label>
<label>To (UTC) <input type="datetime-local" name="to" value="${localTime(v.to) ?? ''}"></label></div>
<button type="submit">Search</button> <a class="button secondary" href="/console/requests">Clear</a></form></div>
<div class="card">${table(
    html`<tr><th>At</th><th>Request</th><th>Customer</th><th>payloadID</th><th>HTTP</th><th>Outcome</th><th>Session</th></tr>`,
    rows,
    Object.values(v).some(Boolean) ? 'No journaled request matches these filters.' : 'No requests journaled yet. Every protocol request the gateway answers appears here, newest first.',
    'request-table',
  )}${nextLink('/console/requests', v, page.nextCursor)}</div>`
}
