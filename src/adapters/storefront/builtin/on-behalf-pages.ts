import type { SessionView } from '../../../domain/sessions/session-view.ts'
import { html, page, raw, type RawHtml } from '../../../web/html.ts'

const day = (iso: string) => iso.slice(0, 10)
const time = (iso: string) => `${iso.slice(11, 16)} UTC`

/**
 * The banner of an on-behalf session, on every page of it (docs/storefront.md, "Order on
 * behalf"): whom the agent acts for, who the agent is, and when the time box ends.
 */
export function onBehalfBanner(view: SessionView): RawHtml {
  if (!view.onBehalf) return raw('')
  const buyer = view.user?.name ?? view.user?.email ?? 'the buyer'
  return html`<p class="banner" id="on-behalf-banner" style="background:#fff3cd;border:1px solid #e0b000;padding:.5em">Acting for ${buyer} — ${view.onBehalf.agent} <span class="muted">(until ${time(view.onBehalf.expiresAt)})</span></p>`
}

/** Who prepared the restored cart: the buyer sees it on their next punchout. */
export function preparedByNotice(view: SessionView): RawHtml {
  if (!view.preparedBy) return raw('')
  return html`<p class="banner" id="prepared-by">Prepared by ${view.preparedBy.agent} on ${day(view.preparedBy.at)}: the cart below was prepared for you.</p>`
}

/**
 * What the agent does with the cart instead of returning it to procurement: save it for the
 * buyer's next punchout, or order it with the PO number the buyer gave — each shown only when
 * the buyer's own permissions allow it.
 */
export function onBehalfActions(view: SessionView, base: string, hasCart: boolean): RawHtml {
  const can = (p: string) => view.permissions.includes(p)
  if (!hasCart) return raw('')
  const prepare = can('add_to_cart')
    ? html`<form method="post" action="${base}on-behalf/prepare"><p><button type="submit" id="prepare-cart">Save this cart for the buyer's next punchout</button></p></form>`
    : raw('')
  const order = can('order_on_account')
    ? html`<form method="post" action="${base}on-behalf/order"><p><label>PO number the buyer gave <input name="poNumber" id="po-number" required maxlength="200"></label>
<button type="submit" id="order-on-behalf">Order now for the buyer</button></p></form>`
    : html`<p class="muted">The buyer's roles do not allow ordering directly, so this cart can only be saved for them.</p>`
  return html`${prepare}${order}`
}

/** The order placed on the buyer's behalf. */
export function onBehalfOrderedPage(view: SessionView, order: { orderId: string; total?: string | null; currency?: string | null }): string {
  const body = html`${onBehalfBanner(view)}<div class="card"><h1 id="order-placed">Order ${order.orderId} placed</h1>
<p>Ordered on behalf of ${view.user?.name ?? view.user?.email ?? 'the buyer'} for ${order.total ?? ''} ${order.currency ?? ''}, under their PO number ${order.orderId}.</p>
<p class="muted">Recorded as an order on behalf, with your name, on the buyer's session and in the audit log.</p></div>`
  return page('Order placed', body, { brand: 'Punchgate demo storefront' })
}
