import type { SessionDetail } from '../../domain/journal/views.ts'
import type { ResendLink } from '../../domain/replay/resend.ts'
import type { LiveReplay, SetupDryRun, SetupVerdict } from '../../domain/replay/setup-replay.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, postForm, table, type PageContext } from '../layout.ts'

/**
 * Replay and re-send on the session page (docs/console.md, "Replay and re-send"): three POST forms
 * for agents who may operate; the result pages of each.
 */
export function replayActions(ctx: PageContext, s: SessionDetail): RawHtml {
  if (!ctx.can('operate')) return raw('')
  const reason = html`<label>Reason <span class="muted">(kept in the audit log)</span><input name="reason" maxlength="1000" placeholder="e.g. ticket 4711"></label>`
  const form = (mode: 'dry-run' | 'live', label: string, extra: { confirm?: string } = {}) =>
    postForm(ctx, `/console/sessions/${s.id}/replay`, html`<input type="hidden" name="mode" value="${mode}"><button type="submit" class="${mode === 'dry-run' ? 'secondary' : ''}">${label}</button>`, { inline: true, id: `replay-${mode}`, ...extra })
  const canResend = s.carts.length > 0
  return html`<div class="card" id="replay"><h2>Replay</h2>
<p class="muted">Run this session's recorded setup request again against today's configuration. A dry run writes nothing; a live replay creates a new session linked to this one, authenticated as you.${s.replayOf ? html` This session replays <a href="/console/sessions/${s.replayOf}">${s.replayOf}</a>.` : raw('')}</p>
${form('dry-run', 'Replay (dry run)')} ${postForm(ctx, `/console/sessions/${s.id}/replay`, html`<input type="hidden" name="mode" value="live">${reason}<button type="submit">Replay (live)</button>`, { id: 'replay-live', confirm: 'Create a new session for this buyer, with a start link?' })}
${s.replays.length ? html`<p class="muted">Replays of this session: ${s.replays.map((id, i) => html`${i ? ', ' : ''}<a href="/console/sessions/${id}">${id}</a>`)}</p>` : raw('')}
${canResend ? html`<h3>Re-send the cart</h3><p class="muted">A one-time link that posts the returned cart — the same document — to the return URL again from the buyer's browser.</p>
${postForm(ctx, `/console/sessions/${s.id}/resend`, html`${reason}<button type="submit">Re-send cart</button>`, { id: 'resend' })}` : raw('')}</div>`
}

/** The dry run as a then/now table, one row per step, changed steps marked. */
export function dryRunBody(s: SessionDetail, r: SetupDryRun): RawHtml {
  const rows = r.steps.map((step) => html`<tr class="${step.changed ? 'changed' : ''}"><th>${STEP_NAMES[step.step] ?? step.step}</th><td>${step.then}</td><td>${step.now}</td>
<td>${step.changed ? badge('changed', 'pending') : html`<span class="muted">same</span>`}</td></tr>`)
  return html`<h1>Dry run of session <a href="/console/sessions/${s.id}"><code>${s.id}</code></a></h1>
<div class="grid"><div class="card" id="then"><h2>Then <span class="muted">${formatTime(s.createdAt)}</span></h2>${verdict(r.then)}</div>
<div class="card" id="now"><h2>Now</h2>${verdict(r.now)}</div></div>
<div class="card" id="diff"><h2>Step by step</h2>${table(html`<tr><th>Step</th><th>Then</th><th>Now</th><th></th></tr>`, rows, 'No step was recorded.', 'replay-diff')}
<p class="muted">${r.note}</p></div>`
}

const STEP_NAMES: Record<string, string> = {
  credential: 'Credential', return_url: 'Return URL', identity: 'Identity', user: 'User', roles: 'Roles', outcome: 'Outcome',
}

function verdict(v: SetupVerdict): RawHtml {
  const head = v.outcome === 'refused'
    ? html`<p>${badge('refused', 'failed')} ${v.code ? html`<code>${v.code}</code>` : raw('')}</p>${v.text ? html`<p>${v.text}</p>` : raw('')}`
    : v.outcome === 'provisioned' ? html`<p>${badge('provisioned', 'ok')}${v.status && v.status !== 'provisioned' ? html` <span class="muted">(since: ${v.status.replace(/_/g, ' ')})</span>` : raw('')}</p>` : html`<p>${badge(v.status ?? 'unknown')}</p>`
  return html`${head}${v.user ? html`<p>User ${v.user}</p>` : raw('')}${v.roles?.length
    ? html`<ul>${v.roles.map((r) => html`<li><strong>${r.key}</strong> ${badge(r.status)}${r.permissions.length ? html` → ${r.permissions.join(', ')}` : raw('')}</li>`)}</ul>`
    : raw('')}`
}

/** A live replay: the new session and its start link to copy (shown once: only its hash is kept). */
export function liveBody(r: LiveReplay): RawHtml {
  return html`<h1>Live replay</h1><div class="card notice" id="live"><p>A new session <a href="/console/sessions/${r.sessionId}"><code>${r.sessionId}</code></a> replays
<a href="/console/sessions/${r.replayOf}">${r.replayOf}</a>. Open its start link yourself, or send it to the buyer: it works once, until ${formatTime(r.startLinkExpiresAt)}.</p>
<p class="secret" id="start-url">${r.startUrl}</p><p class="muted">This link is shown only now.</p></div>`
}

export function resendBody(sessionId: string, link: ResendLink): RawHtml {
  return html`<h1>Re-send the cart</h1><div class="card notice" id="resend-link"><p>Send this link to the buyer of session <a href="/console/sessions/${sessionId}"><code>${sessionId}</code></a>.
Opened in their browser, it posts the returned cart to their procurement system once, until ${formatTime(link.expiresAt)}.</p>
<p class="secret" id="resend-url">${link.url}</p><p class="muted">This link is shown only now.</p></div>`
}
