import { escapeHtml, html, raw, type RawHtml } from '../web/html.ts'

/** What every console page knows about the request it answers. */
export interface PageContext {
  /** The signed-in agent; undefined on the sign-in page. */
  agent?: { name: string; email: string; role: string }
  /** The session's CSRF token, put into every form. */
  csrf: string
  /** The CSP nonce of this answer's one script. */
  nonce: string
  /** Whether the agent may do this (the same capabilities the API checks). */
  can(capability: 'operate' | 'manage'): boolean
}

export type NavItem = 'home' | 'sessions' | 'requests' | 'customers' | 'roles' | 'users' | 'agents'

/** Each entry, and the capability it needs beyond `read` (shown only to agents who have it). */
const NAV: Array<[NavItem, string, string, 'manage'?]> = [
  ['home', '/console', 'Home'],
  ['sessions', '/console/sessions', 'Sessions'],
  ['requests', '/console/requests', 'Requests'],
  ['customers', '/console/customers', 'Customers'],
  ['roles', '/console/roles', 'Roles'],
  ['users', '/console/users', 'Users'],
  ['agents', '/console/agents', 'Agents', 'manage'],
]

const STYLE = `*{box-sizing:border-box}body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f3f4f7}
a{color:#1f4fc4}header.top{background:#1d2330;color:#fff;display:flex;flex-wrap:wrap;align-items:center;gap:4px 18px;padding:8px 20px}
header.top .brand{font-weight:700;color:#fff;text-decoration:none;margin-right:8px}header.top nav{display:flex;flex-wrap:wrap;gap:2px}
header.top nav a{color:#d5d9e4;text-decoration:none;padding:6px 10px;border-radius:6px}header.top nav a[aria-current=page]{background:#3a4357;color:#fff}
header.top .who{margin-left:auto;display:flex;align-items:center;gap:10px;color:#d5d9e4;font-size:13px}
main{max-width:1240px;margin:0 auto;padding:16px 20px 40px}h1{font-size:22px;margin:8px 0 12px}h2{font-size:17px;margin:0 0 10px}
.card{background:#fff;border-radius:8px;padding:14px 18px;margin:0 0 16px;box-shadow:0 1px 2px #0002}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px;margin:0 0 16px}.grid>.card{margin:0}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e5ea;vertical-align:top}
th{font-weight:600;color:#4a5263;font-size:13px;white-space:nowrap}td.when{white-space:nowrap}code.ref{word-break:break-all}td.num,th.num{text-align:right}
button,.button{display:inline-block;background:#2456d6;color:#fff;border:0;border-radius:6px;padding:7px 13px;font:inherit;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#e3e5ea;color:#1d2330}button.danger{background:#b3261e}button:disabled{opacity:.6;cursor:wait}
form.inline{display:inline}label{display:block;margin:0 0 10px;font-weight:600;font-size:13px}label.check{font-weight:400;display:flex;gap:6px;align-items:baseline}
input,select,textarea{font:inherit;padding:6px 8px;border:1px solid #c3c8d4;border-radius:6px;background:#fff;max-width:100%}
label input:not([type=checkbox]):not([type=radio]),label select,label textarea{display:block;width:100%;margin-top:3px;font-weight:400}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:0 12px;align-items:end}
.muted{color:#5b6475;font-size:13px}.empty{color:#5b6475;padding:18px 4px;text-align:center}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;background:#e3e5ea;white-space:nowrap}
.badge.failed,.badge.overdue,.badge.disabled,.badge.revoked{background:#fbe0de;color:#8c1d18}.badge.ok,.badge.cart_returned,.badge.mapped,.badge.active{background:#dcf2e3;color:#1b5e32}
.badge.pending,.badge.started,.badge.provisioned,.badge.rejected{background:#fff1cc;color:#6b4e00}
.notice{border-left:4px solid #2456d6}.error{border-left:4px solid #c62828}.secret{font:15px ui-monospace,monospace;background:#fff8e1;padding:8px;border-radius:6px;word-break:break-all}
pre.payload{white-space:pre-wrap;word-break:break-word;background:#f6f7f9;border:1px solid #e3e5ea;padding:10px;border-radius:6px;font:12.5px/1.45 ui-monospace,monospace;max-height:480px;overflow:auto}
.x-tag{color:#1f4fc4}.x-attr{color:#8a4b00}.x-val{color:#1b7a35}.x-com{color:#8a8f9c;font-style:italic}.x-key{color:#8a2a8a}.x-str{color:#1b7a35}.x-num{color:#b3501b}.x-lit{color:#1f4fc4}
ol.timeline{list-style:none;margin:0;padding:0}ol.timeline li{border-left:3px solid #c3c8d4;padding:4px 0 10px 14px;position:relative}
ol.timeline li.failed{border-color:#c62828}ol.timeline li::before{content:"";position:absolute;left:-7px;top:9px;width:11px;height:11px;border-radius:50%;background:#c3c8d4}
ol.timeline li.failed::before{background:#c62828}details summary{cursor:pointer;color:#1f4fc4}
dl.settings{display:grid;grid-template-columns:minmax(140px,max-content) 1fr;gap:4px 16px;margin:0}dl.settings dt{font-weight:600;color:#4a5263}dl.settings dd{margin:0}
svg.chart{width:100%;height:auto;display:block}svg.chart text{font:13px system-ui,sans-serif;fill:#4a5263}.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
fieldset{border:0;padding:0;margin:0 0 10px}legend{font-weight:600;font-size:13px;margin:0 0 4px}.choices{max-height:220px;overflow:auto;border:1px solid #e3e5ea;border-radius:6px;padding:6px 10px;margin:4px 0 0}
@media (max-width:900px){main{padding:12px}header.top .who{margin-left:0;width:100%}.grid{grid-template-columns:1fr}dl.settings{grid-template-columns:1fr}td,th{padding:5px 6px}}`

/**
 * Two small behaviours, nothing the pages need to work: a form shows it is being sent (no second
 * submit of a form that creates a secret), and a destructive form asks first.
 */
const SCRIPT = `document.addEventListener('submit',function(e){var f=e.target;if(f.dataset.confirm&&!confirm(f.dataset.confirm)){e.preventDefault();return}
var b=f.querySelector('button[type=submit]');if(b){setTimeout(function(){b.disabled=true;b.dataset.label=b.textContent;b.textContent='Working…'},0)}});
window.addEventListener('pageshow',function(){document.querySelectorAll('button[data-label]').forEach(function(b){b.disabled=false;b.textContent=b.dataset.label})})`

/** A complete console page: header with navigation and the agent, then the body. */
export function consolePage(ctx: PageContext, title: string, body: RawHtml, active?: NavItem): string {
  const nav = ctx.agent
    ? html`<nav>${NAV.filter(([, , , needs]) => !needs || ctx.can(needs)).map(([id, href, label]) => html`<a href="${href}"${id === active ? raw(' aria-current="page"') : raw('')}>${label}</a>`)}</nav>
<div class="who"><span>${ctx.agent.name} · ${ctx.agent.role}</span>${postForm(ctx, '/console/sign-out', html`<button class="secondary" type="submit">Sign out</button>`, { inline: true })}</div>`
    : raw('')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Punchgate console</title><style>${STYLE}</style></head><body>
<header class="top"><a class="brand" href="/console">Punchgate console</a>${nav.value}</header>
<main>${body.value}</main><script nonce="${escapeHtml(ctx.nonce)}">${SCRIPT}</script></body></html>`
}

/** A POST form carrying the session's CSRF token. */
export function postForm(ctx: PageContext, action: string, inner: RawHtml, opts: { inline?: boolean; confirm?: string; id?: string } = {}): RawHtml {
  const attrs = html`${opts.inline ? raw(' class="inline"') : raw('')}${opts.confirm ? html` data-confirm="${opts.confirm}"` : raw('')}${opts.id ? html` id="${opts.id}"` : raw('')}`
  return html`<form method="post" action="${action}"${attrs}><input type="hidden" name="_csrf" value="${ctx.csrf}">${inner}</form>`
}

/** A table, or — with no rows — a sentence saying what would be there. */
export function table(head: RawHtml, rows: RawHtml[], empty: string, id?: string): RawHtml {
  if (rows.length === 0) return html`<p class="empty"${id ? html` id="${id}"` : raw('')}>${empty}</p>`
  return html`<div class="scroll"><table${id ? html` id="${id}"` : raw('')}><thead>${head}</thead><tbody>${rows}</tbody></table></div>`
}

export const badge = (text: string, kind = text): RawHtml => html`<span class="badge ${kind}">${text.replace(/_/g, ' ')}</span>`

/** UTC, to the second: agents in several time zones read the same time. */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return '—'
  const d = typeof value === 'string' ? new Date(value) : value
  return Number.isNaN(d.getTime()) ? String(value) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** "3 h 05 min", "12 min", "40 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

/** A refusal as the agent sees it: what happened, the stable code, and the reference to quote. */
export function errorBody(e: { title: string; code: string; message: string; reference: string; back?: string }): RawHtml {
  return html`<div class="card error" id="error"><h1>${e.title}</h1><p>${e.message}</p>
<p class="muted">Code <code>${e.code}</code> · reference <code>${e.reference}</code></p>
${e.back ? html`<p><a class="button secondary" href="${e.back}">Back</a></p>` : raw('')}</div>`
}
