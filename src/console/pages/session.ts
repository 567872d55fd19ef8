import type { RequestDetail, SessionDetail } from '../../domain/journal/views.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, table } from '../layout.ts'
import { renderPayload } from '../payload.ts'

type Cart = SessionDetail['carts'][number]

export function sessionBody(s: SessionDetail, can: { manage: boolean }, actions: RawHtml = raw('')): RawHtml {
  return html`<h1>Session <code>${s.id}</code> ${badge(s.status)}</h1>
${s.failure ? failureCard(s, can) : raw('')}${actions}
<div class="grid"><div class="card" id="session-facts"><h2>Session</h2><dl class="settings">
<dt>Customer</dt><dd><a href="/console/customers/${s.customer.id}">${s.customer.name}</a></dd>
<dt>Buyer</dt><dd>${s.user ? html`${s.user.name ?? ''} <span class="muted">${s.user.email ?? ''}</span> · <a href="/console/sessions?customer=${s.customer.id}&amp;user=${s.user.id}">their sessions</a>` : '—'}</dd>
<dt>Punchout</dt><dd>${s.protocol} ${s.operation} (${s.deploymentMode})</dd>
<dt>Created</dt><dd>${formatTime(s.createdAt)}</dd><dt>Started</dt><dd>${formatTime(s.startedAt)}</dd><dt>Cart returned</dt><dd>${formatTime(s.cartReturnedAt)}</dd>
<dt>payloadID</dt><dd><code>${s.payloadId ?? '—'}</code></dd><dt>BuyerCookie</dt><dd><code>${s.buyerCookie ?? '—'}</code></dd>
<dt>Return URL</dt><dd><code>${s.returnUrl ?? '—'}</code></dd><dt>Flags</dt><dd>${s.flags.length ? s.flags.map((f) => badge(f, 'pending')) : '—'}</dd></dl></div>
<div class="card" id="timeline"><h2>Timeline</h2>${s.timeline.length
    ? html`<ol class="timeline">${s.timeline.map((e) => html`<li class="${/failed|rejected|refused|missing/.test(e.type) ? 'failed' : ''}"><strong>${e.type}</strong> <span class="muted">${formatTime(e.at)}</span>${eventData(e.data)}</li>`)}</ol>`
    : html`<p class="empty">No events were recorded for this session.</p>`}</div></div>
<div class="card" id="carts"><h2>Returned carts</h2>${s.carts.length ? s.carts.map((c) => cartTable(c, s.customer.id)) : html`<p class="empty">No cart was returned in this session.</p>`}</div>
<div class="card" id="requests"><h2>Requests</h2>${s.requests.length ? s.requests.map(requestCard) : html`<p class="empty">No journaled request belongs to this session.</p>`}</div>`
}

/** The stable code, the explanation written at the time, and what to do about a refused role. */
function failureCard(s: SessionDetail, can: { manage: boolean }): RawHtml {
  const f = s.failure!
  const role = s.timeline.find((e) => e.type === 'role.rejected')?.data.role
  const fix = f.code === 'PG_ERR_ROLE_REJECTED' && typeof role === 'string'
    ? html`<p><a class="button" id="map-role" href="/console/customers/${s.customer.id}/roles?map=${encodeURIComponent(role)}#map">${can.manage ? 'Map' : 'See'} the role “${role}”</a></p>`
    : raw('')
  return html`<div class="card error" id="failure"><h2>Failed: <code>${f.code}</code></h2><p>${f.text ?? ''}</p>
${f.summary ? html`<p class="muted">${f.summary}</p>` : raw('')}${fix}</div>`
}

function eventData(data: Record<string, unknown>): RawHtml {
  const entries = Object.entries(data)
  if (entries.length === 0) return raw('')
  return html`<div class="muted">${entries.map(([k, v]) => html`<div><code>${k}</code>: ${typeof v === 'string' ? v : JSON.stringify(v)}</div>`)}</div>`
}

const KNOWN_LINE_FIELDS = new Set(['sku', 'quantity', 'unitPrice', 'currency', 'description', 'unitOfMeasure', 'classification'])

/**
 * One returned cart as its lines; fields beyond the usual ones (checks, manufacturer, lead time) in
 * the last column. Each SKU opens the customer's price lookup for it.
 */
function cartTable(c: Cart, customerId: string): RawHtml {
  const rows = c.lines.map((value, i) => {
    const line = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>
    const qty = Number(line.quantity)
    const price = Number(line.unitPrice)
    const classification = line.classification as { domain?: string; code?: string } | undefined
    const extra = Object.entries(line).filter(([k]) => !KNOWN_LINE_FIELDS.has(k))
    return html`<tr><td class="num">${i + 1}</td><td><a href="/console/customers/${customerId}/prices?sku=${encodeURIComponent(String(line.sku ?? ''))}"><code>${String(line.sku ?? '')}</code></a></td><td>${String(line.description ?? '')}</td>
<td class="num">${Number.isFinite(qty) ? qty : ''}</td><td>${String(line.unitOfMeasure ?? '')}</td><td class="num">${Number.isFinite(price) ? price.toFixed(2) : ''}</td>
<td class="num">${Number.isFinite(qty * price) ? (qty * price).toFixed(2) : ''}</td><td>${classification ? `${classification.domain ?? ''} ${classification.code ?? ''}` : ''}</td>
<td>${extra.map(([k, v]) => html`<div><code>${k}</code>: ${typeof v === 'string' ? v : JSON.stringify(v)}</div>`)}</td></tr>`
  })
  // Totals are stored with 4 decimals; money reads with 2 unless the extra digits matter.
  const total = c.total.replace(/(\.\d\d\d*?)0+$/, '$1')
  return html`<h3>${formatTime(c.createdAt)} · ${c.transport} · total ${total} ${c.currency ?? ''}</h3>
${table(html`<tr><th class="num">#</th><th>SKU</th><th>Description</th><th class="num">Qty</th><th>Unit</th><th class="num">Unit price</th><th class="num">Amount</th><th>Classification</th><th>Details and checks</th></tr>`,
    rows, 'The cart had no lines.')}`
}

function requestCard(r: RequestDetail): RawHtml {
  return html`<details class="request" id="request-${r.id}"><summary>${formatTime(r.at)} · ${r.channel} · <code>${r.method} ${r.path}</code> → ${r.httpStatus}
${badge(r.outcome, r.outcome === 'ok' ? 'ok' : 'failed')}${r.error ? html` <code>${r.error.code}</code>` : raw('')}</summary>
${requestPayloads(r)}</details>`
}

/** A journal entry's two payloads, each pretty-printed; the reference support quotes. */
export function requestPayloads(r: RequestDetail): RawHtml {
  if (r.payloadPurgedAt) {
    return html`<p class="muted">Reference <code>${r.requestId}</code>${r.payloadId ? html` · payloadID <code>${r.payloadId}</code>` : raw('')}</p>
<p class="empty" id="payload-purged">The payloads were purged on ${formatTime(r.payloadPurgedAt)}: the customer's retention period had passed.</p>`
  }
  return html`<p class="muted">Reference <code>${r.requestId}</code>${r.payloadId ? html` · payloadID <code>${r.payloadId}</code>` : raw('')} · ${r.durationMs} ms${r.remoteIp ? html` · from ${r.remoteIp}` : raw('')}</p>
<h4>Request <span class="muted">${r.contentType ?? ''}</span></h4>${renderPayload(r.requestBody, r.contentType)}
<h4>Answer <span class="muted">${r.responseContentType ?? ''}</span></h4>${renderPayload(r.responseBody, r.responseContentType)}`
}

export function requestBody(r: RequestDetail): RawHtml {
  return html`<h1>Request ${formatTime(r.at)} ${badge(r.outcome, r.outcome === 'ok' ? 'ok' : 'failed')}</h1>
<div class="card"><dl class="settings"><dt>Request</dt><dd><code>${r.method} ${r.path}</code> (${r.channel})</dd>
<dt>Customer</dt><dd>${r.customer ? html`<a href="/console/customers/${r.customer.id}">${r.customer.name}</a>` : 'not identified'}</dd>
<dt>Answer</dt><dd>HTTP ${r.httpStatus}${r.protocolStatus ? html` · cXML ${r.protocolStatus}` : raw('')}</dd>
<dt>Error</dt><dd>${r.error ? html`<code>${r.error.code}</code> ${r.error.summary ?? ''}` : '—'}</dd>
<dt>Session</dt><dd>${r.sessionId ? html`<a href="/console/sessions/${r.sessionId}">${r.sessionId}</a>` : 'none: the request never became a session'}</dd></dl></div>
<div class="card" id="payloads">${requestPayloads(r)}</div>`
}
