import type { SessionView } from '../../../domain/sessions/session-view.ts'
import { matchesSearch, searchWords } from '../../../domain/catalog/catalog.ts'
import { html, page, raw, type RawHtml } from '../../../web/html.ts'
import type { ShopCartLine, ShopKeptLine } from '../../../persistence/entities/index.ts'
import type { PricedProduct, RestoredItem } from './catalog.ts'
import { onBehalfActions, onBehalfBanner, preparedByNotice } from './on-behalf-pages.ts'

const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`

/**
 * `base` is the page's own path (`<prefix>/s/<handle>/`): every link and form stays on the
 * page's session (shop-session.ts). `search` filters the catalog (FUNCTION=SOURCING opens the shop on its SEARCHSTRING); the
 * session's selected product (OCI DETAIL, cXML SelectedItem) is shown first and highlighted.
 */
export function shopPage(view: SessionView, catalog: PricedProduct[], cart: { lines: ShopCartLine[]; kept: ShopKeptLine[] }, base: string, notice?: string, search?: string): string {
  const { lines, kept } = cart
  const readOnly = view.readOnly
  const can = (p: string) => view.permissions.includes(p)
  const bySku = new Map(catalog.map((p) => [p.product.sku, p]))
  const cartRows = lines.map((l) => {
    const p = bySku.get(l.sku)
    const qty = Number(l.quantity)
    return html`<tr><td>${l.sku}</td><td>${p?.product.name ?? ''}</td><td>${qty}</td><td>${p ? money(p.price * qty, p.product.currency) : ''}</td></tr>`
  })
  const keptRows = kept.map((l) => keptRow(l, readOnly || !can('add_to_cart'), base))
  const keptAmount = kept.reduce((sum, l) => sum + (Number(keptOf(l)?.unitPrice) || 0) * Number(keptOf(l)?.quantity), 0)
  const total = lines.reduce((sum, l) => sum + (bySku.get(l.sku)?.price ?? 0) * Number(l.quantity), keptAmount)
  const currency = catalog[0]?.product.currency ?? keptOf(kept[0])?.currency ?? ''
  const banner = readOnly ? html`<p class="banner">Read-only: you are inspecting a cart from your procurement system.</p>` : raw('')
  const noAdd = readOnly || !can('add_to_cart')
  const selected = view.selectedSku ? bySku.get(view.selectedSku) : undefined
  const selectedCard = !view.selectedSku
    ? raw('')
    : selected
      ? html`<div class="card" id="selected-product"><h2>Selected in your procurement system</h2><table>${productRow(selected, noAdd, base)}</table></div>`
      : html`<div class="card" id="selected-product"><p>The product ${view.selectedSku} is not in this catalog.</p></div>`
  const words = search ? searchWords(search) : []
  const shown = words.length ? catalog.filter((p) => matchesSearch(p.product, words)) : catalog
  const body = html`${onBehalfBanner(view)}${banner}${preparedByNotice(view)}
<div class="card"><h1>Welcome, ${view.user?.name ?? view.user?.email ?? 'buyer'}</h1>
<p class="muted">${view.customer.name} · punchout ${view.operation} · session ${view.id}</p>
${notice ? html`<p>${notice}</p>` : raw('')}</div>
${selectedCard}<div class="card"><h2>Catalog</h2>
<form method="get" action="${base}"><input type="search" name="q" value="${search ?? ''}" aria-label="search"> <button class="secondary" type="submit">Search</button></form>
${words.length ? html`<p id="search-results">${shown.length} result(s) for “${search}”. <a href="${base}">Show all</a></p>` : raw('')}
<table><tr><th>SKU</th><th>Product</th><th>Price</th><th></th></tr>
${shown.map((p) => productRow(p, noAdd, base, p.product.sku === view.selectedSku))}</table></div>
<div class="card" id="cart"><h2>Cart</h2>
${lines.length || kept.length ? html`<table><tr><th>SKU</th><th>Product</th><th>Qty</th><th>Amount</th></tr>${cartRows}${keptRows}
<tr><th colspan="3">Total</th><th>${money(total, currency)}</th></tr></table>` : html`<p class="muted">The cart is empty.</p>`}
${view.onBehalf ? onBehalfActions(view, base, lines.length > 0) : !readOnly && can('return_cart') ? html`<form method="post" action="${base}return"><p><button type="submit" id="return-cart">Return cart to procurement</button></p></form>` : raw('')}</div>`
  return page('Punchgate demo storefront', body, { brand: 'Punchgate demo storefront' })
}

const keptOf = (line: ShopKeptLine | undefined) => line?.item as RestoredItem | undefined

/** A line the buyer system sent that this catalog does not have: shown as it came, marked, removable. */
function keptRow(line: ShopKeptLine, readOnly: boolean, base: string): RawHtml {
  const item = keptOf(line)!
  const amount = item.unitPrice && item.currency ? money(Number(item.unitPrice) * Number(item.quantity), item.currency) : ''
  const remove = readOnly
    ? raw('')
    : html` <form method="post" action="${base}kept/remove" style="display:inline"><input type="hidden" name="position" value="${String(line.position)}"><button class="secondary" type="submit">Remove</button></form>`
  return html`<tr class="kept"><td>${item.supplierPartID}</td><td>${item.description ?? ''} <span class="muted">(not in this catalog: returned as your procurement system sent it)</span>${remove}</td><td>${item.quantity}</td><td>${amount}</td></tr>`
}

function productRow(p: PricedProduct, readOnly: boolean, base: string, highlight = false): RawHtml {
  const price = html`${money(p.price, p.product.currency)}${p.contract ? html` <span class="muted">(contract)</span>` : raw('')}`
  const add = readOnly
    ? raw('')
    : html`<form method="post" action="${base}cart"><input type="hidden" name="sku" value="${p.product.sku}"><input type="number" name="quantity" value="1" min="0" step="any" aria-label="quantity">
<button class="secondary" type="submit">Add</button></form>`
  return html`<tr${highlight ? raw(' class="selected" style="background:#eef3ff"') : raw('')}><td>${p.product.sku}</td><td><strong>${p.product.name}</strong><br><span class="muted">${p.product.description}</span></td><td>${price}</td><td>${add}</td></tr>`
}

/**
 * The browser did not keep the storefront's session where it shows it (docs/storefront.md,
 * "Inside the buyer's frame"). With `continueAction`, the buyer may carry on in a window of the
 * storefront's own, where its cookie is first-party; without, the browser refuses it even there.
 */
export function sessionNotKeptPage(o: { continueAction?: string; entry: string; host: string; reference: string }): string {
  const body = o.continueAction
    ? html`<div class="card error"><h1>Your browser blocked the storefront in this window</h1>
<p>Your browser does not let the storefront keep you signed in inside your procurement system's page: it blocks cookies of other sites there.</p>
<p>Continue in a new window: your punchout goes with you, and the cart you return from there reaches your procurement system as usual.</p>
<form method="post" action="${o.continueAction}" target="_blank"><input type="hidden" name="entry" value="${o.entry}">
<p><button type="submit" id="continue-in-new-window">Continue in a new window</button></p></form>
<p class="muted">Reference for support: <code>${o.reference}</code></p></div>`
    : html`<div class="card error"><h1>Your browser does not keep the storefront's session</h1>
<p>Your browser refuses the storefront's cookie even in a window of its own. Allow cookies for ${o.host} in your browser's settings, then start the punchout again from your procurement system.</p>
<p class="muted">Reference for support: <code>${o.reference}</code></p></div>`
  return page('Punchout not possible here', body, { brand: 'Punchgate demo storefront' })
}
