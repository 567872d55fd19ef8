/**
 * HTML for browsers, without Fastify: escaping templates, the page frame, the CSP. Shared by
 * src/http (error pages, demo) and the storefront adapters (the built-in shop), so it sits
 * below both; it imports neither.
 */
import { randomBytes } from 'node:crypto'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML body and attribute contexts alike. */
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!)

export const newNonce = (): string => randomBytes(16).toString('base64')

/** A tagged template whose interpolations are escaped unless wrapped with raw(). */
export class RawHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}
export const raw = (value: string): RawHtml => new RawHtml(value)

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0]!
  values.forEach((v, i) => {
    const rendered = Array.isArray(v) ? v.map(renderValue).join('') : renderValue(v)
    out += rendered + strings[i + 1]!
  })
  return new RawHtml(out)
}

const renderValue = (v: unknown): string => (v instanceof RawHtml ? v.value : escapeHtml(v))

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
main{max-width:960px;margin:0 auto;padding:24px}header{background:#1d2330;color:#fff;padding:12px 24px}
header a{color:#fff;text-decoration:none;font-weight:600}.card{background:#fff;border-radius:8px;padding:16px 20px;margin:16px 0;box-shadow:0 1px 2px #0002}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e5ea}
button{background:#2456d6;color:#fff;border:0;border-radius:6px;padding:8px 14px;font-size:15px;cursor:pointer}
button.secondary{background:#e3e5ea;color:#1d2330}.error{border-left:4px solid #c62828}.muted{color:#5b6475;font-size:13px}
pre{white-space:pre-wrap;word-break:break-all;background:#f0f1f4;padding:12px;border-radius:6px;font-size:13px}
input[type=number]{width:5em}.banner{background:#fff4d6;padding:8px 24px}`

/** A complete page with a strict CSP: inline style only, scripts only with the nonce. */
export function page(title: string, body: RawHtml, opts: { nonce?: string; brand?: string } = {}): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>
<header><a href="#">${escapeHtml(opts.brand ?? 'Punchgate')}</a></header><main>${body.value}</main></body></html>`
}

export function contentSecurityPolicy(nonce?: string, formAction = "'self'"): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    nonce ? `script-src 'nonce-${nonce}'` : "script-src 'none'",
    `form-action ${formAction}`,
    "frame-ancestors *",
    "base-uri 'none'",
  ].join('; ')
}

/** The page a browser sees for a refusal: what happened, what to do, and a reference. */
export function errorPage(title: string, message: string, reference: string): string {
  return page(
    title,
    html`<div class="card error"><h1>${title}</h1><p>${message}</p>
<p class="muted">Reference for support: <code>${reference}</code></p></div>`,
  )
}
