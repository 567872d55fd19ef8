import type { Overview } from '../../domain/console/overview.ts'
import { html, type RawHtml } from '../../web/html.ts'
import { PALETTE, stackedBars } from '../charts.ts'
import { badge, formatDuration, formatTime, table } from '../layout.ts'

const hourLabel = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:00`

export function homeBody(o: Overview, now: Date): RawHtml {
  const rows = o.groups.map((g) => {
    const failed = `/console/sessions?customer=${g.customer.id}&status=failed`
    const due = g.overdue
      ? html`${badge('overdue')} by ${formatDuration(now.getTime() - g.dueAt.getTime())}`
      : html`in ${formatDuration(g.dueAt.getTime() - now.getTime())}`
    return html`<tr class="${g.overdue ? 'overdue' : ''}"><td><a href="/console/customers/${g.customer.id}">${g.customer.name}</a></td>
<td>Tier ${g.slaTier} <span class="muted">(${g.responseHours} h)</span></td><td class="num"><a href="${failed}">${g.failures}</a></td>
<td>${formatDuration(g.waitingMs)} <span class="muted">since ${formatTime(g.oldestAt)}</span></td><td>${due}</td>
<td>${g.codes.map((c) => html`<div><a href="${failed}&amp;failureCode=${encodeURIComponent(c.code)}"><code>${c.code}</code></a> × ${c.count}</div>`)}</td></tr>`
  })
  return html`<h1>Failed punchouts, last 24 hours</h1>
<div class="card"><p class="muted">Grouped by customer, most urgent first: the oldest failure against the customer's support tier (tier 1: respond within 2 h, tier 2: 4 h, tier 3: 24 h).</p>
${table(
    html`<tr><th>Customer</th><th>Support tier</th><th class="num">Failures</th><th>Oldest waiting</th><th>Response due</th><th>Failure codes</th></tr>`,
    rows,
    'No failed punchouts in the last 24 hours. When a setup or start link fails, its customer appears here with how long the failure has been waiting.',
    'failure-groups',
  )}</div>
<div class="grid">${sessionsChart(o)}${reasonsChart(o)}</div>`
}

function sessionsChart(o: Overview): RawHtml {
  const total = o.hours.reduce((a, h) => a + h.total, 0)
  return html`<div class="card"><h2>Sessions per hour (UTC)</h2>
${total === 0 ? html`<p class="empty">No punchout sessions in the last 24 hours.</p>` : stackedBars({
    id: 'chart-sessions', caption: 'Punchout sessions per hour, succeeded and failed', labelEvery: 3,
    series: [{ name: 'succeeded', color: '#2e7d32' }, { name: 'failed', color: '#c62828' }],
    buckets: o.hours.map((h) => ({ label: hourLabel(h.start), values: [h.total - h.failed, h.failed] })),
  })}</div>`
}

function reasonsChart(o: Overview): RawHtml {
  const codes = [...new Set(o.hours.flatMap((h) => Object.keys(h.byCode)))].sort()
  return html`<div class="card"><h2>Failure reasons per hour (UTC)</h2>
${codes.length === 0 ? html`<p class="empty">No failures in the last 24 hours.</p>` : stackedBars({
    id: 'chart-failures', caption: 'Failed punchout sessions per hour by failure code', labelEvery: 3,
    series: codes.map((code, i) => ({ name: code, color: PALETTE[i % PALETTE.length]! })),
    buckets: o.hours.map((h) => ({ label: hourLabel(h.start), values: codes.map((c) => h.byCode[c] ?? 0) })),
  })}</div>`
}
