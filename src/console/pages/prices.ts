import type { ExpectedPrice, LineCheck } from '../../domain/pricing/check.ts'
import type { PriceLookup } from '../../domain/pricing/lookup.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, table } from '../layout.ts'

/**
 * The price an agent confirms on the phone (docs/console.md, "Price lookup"): for one SKU of one
 * customer, the price in force today, the contract prices with their validity, the list price,
 * and the price the buyer last saw in a returned cart — with whether they still agree.
 */
export function priceLookupBody(customer: Customer, sku: string, lookup: PriceLookup | null, error?: string): RawHtml {
  const base = `/console/customers/${customer.id}`
  return html`<h1>Price lookup · ${customer.name}</h1>
<p><a href="${base}">Back to the customer</a></p>
<form method="get" action="${base}/prices" class="filters card" id="price-lookup-form">
<label>SKU <input name="sku" value="${sku}" maxlength="200" required autofocus></label><button type="submit">Look up</button></form>
${error ? html`<p class="card error" role="alert">${error}</p>` : raw('')}
${lookup ? resultCards(lookup) : raw('')}`
}

function resultCards(l: PriceLookup): RawHtml {
  return html`<div class="card" id="price-in-force"><h2>${l.sku} on ${l.day}</h2>
<p>In force today: <strong>${expectedText(l.inForce)}</strong></p>
<p>List price: ${l.listPrice ? `${l.listPrice.unitPrice} ${l.listPrice.currency}` : 'none (the SKU is not in the catalog)'}</p></div>
<div class="card" id="contract-prices"><h2>Contract prices</h2>${table(
    html`<tr><th>Price</th><th>From quantity</th><th>Valid from</th><th>Valid to</th><th>Today</th></tr>`,
    l.contractPrices.map((c) => html`<tr><td>${c.unitPrice} ${c.currency}</td><td>${c.minQuantity}</td><td>${c.validFrom ?? '—'}</td><td>${c.validTo ?? '—'}</td>
<td>${c.validToday ? badge('valid', 'ok') : badge('not valid', 'failed')}</td></tr>`),
    'No contract price for this SKU: the list price applies.',
  )}</div>
${lastSeenCard(l)}`
}

function lastSeenCard(l: PriceLookup): RawHtml {
  const seen = l.lastSeen
  if (!seen) return html`<div class="card" id="last-seen"><h2>Last seen by the buyer</h2><p class="empty">No returned cart of this customer has this SKU.</p></div>`
  return html`<div class="card" id="last-seen"><h2>Last seen by the buyer</h2>
<p>${seen.quantity} × ${seen.unitPrice} ${seen.currency ?? ''} in the cart returned ${formatTime(seen.at)} (<a href="/console/sessions/${seen.sessionId}">session</a>)</p>
<dl class="settings"><dt>Then</dt><dd>${verdict(seen.thenCheck)}</dd><dt>Today</dt><dd>${verdict(seen.todayCheck)}</dd></dl></div>`
}

function verdict(c: LineCheck): RawHtml {
  const kind = c.result === 'ok' ? 'ok' : c.result === 'mismatch' ? 'failed' : 'unknown'
  const text = c.result === 'ok' ? 'agrees' : c.result === 'mismatch' ? 'does not agree' : 'no price known'
  const deviation = c.deviationPercent === undefined ? '' : ` (${c.deviationPercent} %)`
  return html`${badge(text, kind)} expected ${expectedText(c.expected)}${deviation}${c.reason ? html` — ${c.reason}` : raw('')}`
}

function expectedText(e: ExpectedPrice): string {
  if (e.source === 'none') return 'no price known'
  const bounds = e.source === 'contract' ? ` (contract${e.minQuantity && e.minQuantity !== '0' ? `, from ${e.minQuantity}` : ''}${e.validTo ? `, until ${e.validTo}` : ''})` : ' (list price)'
  return `${e.unitPrice} ${e.currency}${bounds}`
}
