import type { CartFinding } from '../../../domain/carts/cart-checks.ts'
import { html, page } from '../../../web/html.ts'

/**
 * A cart the customer's buyer system would refuse, under the `block` policy (docs/storefront.md,
 * "Cart checks"): nothing was sent, the lines to fix are named, and the cart waits as it was.
 * `base` is the shop page of the session (shop-session.ts).
 */
export function cartCheckPage(findings: readonly CartFinding[], base: string, reference: string): string {
  const rows = findings.map((f) => html`<tr><td>${String(f.line)}</td><td>${f.sku}</td><td>${f.message}</td></tr>`)
  const body = html`<div class="card error" id="cart-check"><h1>Your cart was not sent</h1>
<p>Your procurement system would refuse these lines. Change or remove them, then return the cart again; your cart is kept as you left it.</p>
<table><tr><th>Line</th><th>SKU</th><th>What to fix</th></tr>${rows}</table>
<p><a href="${base}#cart" id="back-to-cart">Back to your cart</a></p>
<p class="muted">Reference for support: <code>${reference}</code></p></div>`
  return page('Your cart was not sent', body, { brand: 'Punchgate demo storefront' })
}
