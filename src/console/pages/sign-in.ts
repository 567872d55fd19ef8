import { html, raw, type RawHtml } from '../../web/html.ts'
import type { PageContext } from '../layout.ts'

/** The sign-in form; after a refusal it says why and keeps the e-mail typed. */
export function signInBody(ctx: PageContext, o: { next?: string; email?: string; error?: string }): RawHtml {
  return html`<div class="card" style="max-width:420px;margin:40px auto">
<h1>Sign in</h1><p class="muted">Support console for agents. Accounts are created by an admin.</p>
${o.error ? html`<p class="card error" id="sign-in-error" role="alert">${o.error}</p>` : raw('')}
<form method="post" action="/console/sign-in"><input type="hidden" name="_csrf" value="${ctx.csrf}">
${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : raw('')}
<label>E-mail <input type="email" name="email" value="${o.email ?? ''}" autocomplete="username" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></div>`
}
