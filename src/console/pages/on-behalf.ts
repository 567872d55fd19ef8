import type { OnBehalfStart } from '../../domain/on-behalf/start.ts'
import type { UserView } from '../../domain/provisioning/user-view.ts'
import { html, type RawHtml } from '../../web/html.ts'
import { formatTime, postForm, type PageContext } from '../layout.ts'

/** "Act for this buyer" (docs/console.md, "Order on behalf"): a reason and a time box, then a one-time link. */
export function actForBuyerForm(ctx: PageContext, u: UserView): RawHtml {
  return html`<details class="act-for-buyer"><summary>Act for this buyer</summary>${postForm(ctx, `/console/users/${u.id}/on-behalf`, html`
<label>Reason (kept on the session and in the audit log) <input name="reason" maxlength="1000" required></label>
<label>Minutes (default 30) <input name="minutes" type="number" min="5" max="480" inputmode="numeric"></label>
<button type="submit">Start acting for ${u.displayName ?? u.email ?? u.uniqueName}</button>`)}</details>`
}

/** The started session: the one-time link into the storefront as the buyer. */
export function onBehalfStartedBody(u: { name: string; customerId: string }, started: OnBehalfStart): RawHtml {
  return html`<h1>Acting for ${u.name}</h1><div class="card">
<p>The storefront opens as ${u.name}, with a banner naming you. You can do what the buyer's roles allow, within their spend limit:
save a cart for their next punchout, or order it with the PO number they gave you.</p>
<p><a class="button" id="open-on-behalf" href="${started.startUrl}">Open the storefront as ${u.name}</a></p>
<p class="muted">The link works once, until ${formatTime(started.startUrlExpiresAt)}; the session ends at ${formatTime(started.expiresAt)}. It is your sign-in: do not pass it on.</p>
<p><a href="/console/sessions/${started.sessionId}">The session's timeline</a> · <a href="/console/users?customer=${u.customerId}">Back to the users</a></p></div>`
}
