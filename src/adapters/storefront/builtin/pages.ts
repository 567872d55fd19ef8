import type { SessionView } from '../../../domain/sessions/session-view.ts'
import { matchesSearch, searchWords } from '../../../domain/catalog/catalog.ts'
import { html, page, raw, type RawHtml } from '../../../web/html.ts'
import type { ShopCartLine } from '../../../persistence/entities/index.ts'
import type { PricedProduct } from './catalog.ts'

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`

/**
 * `search` filters the catalog (FUNCTION=SOURCING opens the shop on its SEARCHSTRING); the
 * session's selected product (OCI DETAIL, cXML SelectedItem) is shown first and highlighted.
 */
export function shopPage(view: SessionView, catalog: PricedProduct[], lines: ShopCartLine[], csrf: string, notice?: string, search?: string): string {
  const readOnly = view.readOnly
  const can = (p: string) => view.permissions.includes(p)
  const bySku = new Map(catalog.map((p) => [p.product.sku, p]))
  const cartRows = lines.map((l) => {
    const p = bySku.get(l.sku)
    const qty = Number(l.quantity)
    return html`<tr><td>${l.sku}</td><td>${p?.product.name ?? ''}</td><td>${qty}</td><td>${p ? money(p.price * qty, p.product.currency) : ''}</td></tr>`
  })
  const total = lines.reduce((sum, l) => sum + (bySku.get(l.sku)?.price ?? 0) * Number(l.quantity), 0)
  const currency = catalog[0]?.product.currency ?? ''
  const banner = readOnly ? html`<p class="banner">Read-only: you are inspecting a cart from your procurement system.</p>` : raw('')
  const noAdd = readOnly || !can('add_to_cart')
  const selected = view.selectedSku ? bySku.get(view.selectedSku) : undefined
  const selectedCard = !view.selectedSku
    ? raw('')
    : selected
      ? html`<div class="card" id="selected-product"><h2>Selected in your procurement system</h2><table>${productRow(selected, noAdd, csrf)}</table></div>`
      : html`<div class="card" id="selected-product"><p>The product ${view.selectedSku} is not in this catalog.</p></div>`
  const words = search ? searchWords(search) : []
  const shown = words.length ? catalog.filter((p) => matchesSearch(p.product, words)) : catalog
  const body = html`${banner}
<div class="card"><h1>Welcome, ${view.user?.name ?? view.user?.email ?? 'buyer'}</h1>
<p class="muted">${view.customer.name} · punchout ${view.operation} · session ${view.id}</p>
${notice ? html`<p>${notice}</p>` : raw('')}</div>
${selectedCard}<div class="card"><h2>Catalog</h2>
<form method="get" action="/shop"><input type="search" name="q" value="${search ?? ''}" aria-label="search"> <button class="secondary" type="submit">Search</button></form>
${words.length ? html`<p id="search-results">${shown.length} result(s) for “${search}”. <a href="/shop">Show all</a></p>` : raw('')}
<table><tr><th>SKU</th><th>Product</th><th>Price</th><th></th></tr>
${shown.map((p) => productRow(p, noAdd, csrf, p.product.sku === view.selectedSku))}</table></div>
<div class="card" id="cart"><h2>Cart</h2>
${lines.length ? html`<table><tr><th>SKU</th><th>Product</th><th>Qty</th><th>Amount</th></tr>${cartRows}
<tr><th colspan="3">Total</th><th>${money(total, currency)}</th></tr></table>` : html`<p class="muted">The cart is empty.</p>`}
${!readOnly && can('return_cart') ? html`<form method="post" action="/shop/return"><input type="hidden" name="csrf" value="${csrf}">
<p><button type="submit" id="return-cart">Return cart to procurement</button></p></form>` : raw('')}</div>`
  return page('Punchgate demo storefront', body, { brand: 'Punchgate demo storefront' })
}

function productRow(p: PricedProduct, readOnly: boolean, csrf: string, highlight = false): RawHtml {
  const price = html`${money(p.price, p.product.currency)}${p.contract ? html` <span class="muted">(contract)</span>` : raw('')}`
  const add = readOnly
    ? raw('')
    : html`<form method="post" action="/shop/cart"><input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="sku" value="${p.product.sku}"><input type="number" name="quantity" value="1" min="0" step="any" aria-label="quantity">
<button class="secondary" type="submit">Add</button></form>`
  return html`<tr${highlight ? raw(' class="selected" style="background:#eef3ff"') : raw('')}><td>${p.product.sku}</td><td><strong>${p.product.name}</strong><br><span class="muted">${p.product.description}</span></td><td>${price}</td><td>${add}</td></tr>`
}
