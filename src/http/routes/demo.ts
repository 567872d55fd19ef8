import type { FastifyInstance } from 'fastify'
import { html, page, raw } from '../../web/html.ts'
import type { RouteContext } from './index.ts'

/**
 * A stand-in for the buyer's procurement system: the demo customer's BrowserFormPost and
 * HOOK_URL point here, and it shows what the browser delivered (cXML or OCI fields).
 */
export async function demoRoutes(app: FastifyInstance, _ctx: RouteContext): Promise<void> {
  const config = { surface: 'html' as const }
  app.post('/procurement/return', { config, schema: { hide: true } }, async (request, reply) => {
    const charset = /charset=([^;]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.trim().toLowerCase()
    const text = Buffer.isBuffer(request.body) ? request.body.toString(charset === 'iso-8859-1' ? 'latin1' : 'utf8') : ''
    const form = new URLSearchParams(text)
    const urlencoded = form.get('cxml-urlencoded')
    const base64 = form.get('cxml-base64')
    const cxml = urlencoded ?? (base64 !== null ? Buffer.from(base64, 'base64').toString('utf8') : null)
    const body = cxml !== null
      ? html`<div class="card"><h1>Cart received (cXML)</h1><p class="muted">Field <code>${urlencoded !== null ? 'cxml-urlencoded' : 'cxml-base64'}</code>: the PunchOutOrderMessage as the procurement system receives it.</p><pre id="received">${cxml}</pre></div>`
      : html`<div class="card"><h1>Cart received (OCI)</h1><table id="received"><tr><th>Field</th><th>Value</th></tr>
${[...form.entries()].map(([k, v]) => html`<tr><td><code>${k}</code></td><td>${v}</td></tr>`)}</table></div>`
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(page('Demo procurement system', html`${body}${raw('')}`, { brand: 'Demo procurement system' }))
  })
}
