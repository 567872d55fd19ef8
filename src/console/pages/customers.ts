import { SLA_RESPONSE_HOURS, SLA_TIERS, type SlaTier } from '../../domain/customers/sla.ts'
import { cartChecksSettings } from '../../domain/provisioning/cart-rules.ts'
import { parsePolicy } from '../../domain/provisioning/policy.ts'
import type { Credential, Customer } from '../../persistence/entities/index.ts'
import { html, raw, type RawHtml } from '../../web/html.ts'
import { badge, formatTime, postForm, table, type PageContext } from '../layout.ts'

export const slaText = (tier: SlaTier | number) => `Tier ${tier} · respond within ${SLA_RESPONSE_HOURS[tier as SlaTier] ?? '?'} h`

/** The identity profile as configured: a preset name, or the preset with its overrides as JSON. */
export const profileText = (profile: unknown) => (typeof profile === 'string' ? profile : JSON.stringify(profile, null, 2))

export function customerListBody(customers: Customer[]): RawHtml {
  const rows = customers.map((c) => html`<tr><td><a href="/console/customers/${c.id}">${c.name}</a></td><td><code>${c.slug}</code></td>
<td>${slaText(c.slaTier)}</td><td>${c.tier}</td><td>${typeof c.identityProfile === 'string' ? c.identityProfile : 'custom'}</td>
<td>${parsePolicy(c.provisioning).unknownRoles}</td><td>${formatTime(c.createdAt)}</td></tr>`)
  return html`<h1>Customers</h1><div class="card">${table(
    html`<tr><th>Name</th><th>Slug</th><th>Support tier</th><th>Tier</th><th>Identity profile</th><th>Unknown roles</th><th>Created</th></tr>`,
    rows,
    'No customers yet. Customers you may see appear here once an admin creates them (POST /api/customers).',
    'customers',
  )}</div>`
}

export interface CustomerDetail {
  customer: Customer
  credentials: Credential[]
  /** Shown once, right after a credential was created or rotated. */
  newSecret?: { credential: Credential; secret: string; replaces?: Credential }
  /** The allow-list form as typed, with what was wrong with it. */
  allowList?: { text: string; error: string }
}

export function customerBody(ctx: PageContext, d: CustomerDetail): RawHtml {
  const c = d.customer
  const base = `/console/customers/${c.id}`
  return html`<h1>${c.name}</h1>
<p><a href="${base}/roles">Roles</a> · <a href="/console/users?customer=${c.id}">Users</a> · <a href="/console/sessions?customer=${c.id}">Sessions</a> · <a href="/console/sessions?customer=${c.id}&amp;status=failed">Failed sessions</a> · <a href="${base}/prices" id="price-lookup">Price lookup</a></p>
${d.newSecret ? secretCard(ctx, c, d.newSecret) : raw('')}
<div class="grid">${settingsCard(ctx, c)}${allowListCard(ctx, c, d.allowList)}</div>
${credentialsCard(ctx, c, d.credentials)}`
}

function settingsCard(ctx: PageContext, c: Customer): RawHtml {
  const policy = parsePolicy(c.provisioning)
  const cartChecks = cartChecksSettings(c)
  const yes = (b: boolean) => (b ? 'yes' : 'no')
  return html`<div class="card" id="settings"><h2>Settings</h2><dl class="settings">
<dt>Name</dt><dd>${c.name}</dd><dt>Slug</dt><dd><code>${c.slug}</code></dd>
<dt>Support tier</dt><dd>${slaText(c.slaTier)}</dd><dt>Tier</dt><dd>${c.tier}</dd>
<dt>Payloads kept</dt><dd>${c.retentionDays} days</dd>
<dt>Identity profile</dt><dd><pre class="payload">${profileText(c.identityProfile)}</pre></dd>
<dt>Create unknown users</dt><dd>${yes(policy.autoCreateUsers)}</dd><dt>Update profiles</dt><dd>${yes(policy.updateProfiles)}</dd>
<dt>Unknown roles</dt><dd>${policy.unknownRoles}</dd><dt>Default role</dt><dd>${policy.defaultRole}</dd>
<dt>Match by e-mail</dt><dd>${yes(policy.matchByEmail)}</dd><dt>Unidentified buyers</dt><dd>${policy.allowUnidentifiedBuyers ? 'allowed' : 'refused'}</dd>
<dt>cXML cart transport</dt><dd>${c.cartTransport}</dd><dt>OCI options</dt><dd><code>${JSON.stringify(c.ociOptions)}</code></dd>
<dt>Cart checks</dt><dd id="cart-checks">${cartChecks.policy} · rules <code>${JSON.stringify(cartChecks.rules)}</code></dd>
<dt>Updated</dt><dd>${formatTime(c.updatedAt)}</dd></dl>
${ctx.can('manage') ? html`<p><a class="button" href="/console/customers/${c.id}/edit" id="edit-customer">Edit settings</a></p>` : raw('')}</div>`
}

function allowListCard(ctx: PageContext, c: Customer, typed?: { text: string; error: string }): RawHtml {
  const hosts = c.returnUrlHosts.map((h) => html`<li><code>${h}</code></li>`)
  const form = ctx.can('manage')
    ? postForm(ctx, `/console/customers/${c.id}/return-urls`, html`
${typed ? html`<p class="card error" role="alert">${typed.error}</p>` : raw('')}
<label>One entry per line: <code>[https://]host[:port][/path-prefix]</code>
<textarea name="hosts" rows="5">${typed?.text ?? c.returnUrlHosts.join('\n')}</textarea></label>
<label>Reason (kept in the audit log) <input name="reason" maxlength="1000"></label><button type="submit">Save allow-list</button>`, { id: 'allow-list-form' })
    : raw('')
  return html`<div class="card" id="allow-list"><h2>Return-URL allow-list</h2>
${hosts.length ? html`<ul>${hosts}</ul>` : html`<p class="empty">No return URL is allowed yet: every setup request of this customer is refused until one is added.</p>`}
${form}</div>`
}

function credentialsCard(ctx: PageContext, c: Customer, credentials: Credential[]): RawHtml {
  const manage = ctx.can('manage')
  const rows = credentials.map((cr) => html`<tr><td>${cr.protocol}</td><td><code>${cr.domain}</code></td><td><code>${cr.identity}</code></td>
<td>${formatTime(cr.createdAt)}</td><td>${cr.revokedAt ? html`${badge('revoked')} ${formatTime(cr.revokedAt)}` : badge('active')}</td>
<td>${manage && !cr.revokedAt ? html`${postForm(ctx, `/console/customers/${c.id}/credentials/${cr.id}/rotate`, html`<button class="secondary" type="submit">Rotate</button>`, { inline: true })}
${postForm(ctx, `/console/customers/${c.id}/credentials/${cr.id}/revoke`, html`<button class="danger" type="submit">Revoke</button>`, { inline: true, confirm: `Revoke ${cr.protocol} credential ${cr.identity}? Requests presenting it are refused from now on.` })}` : raw('')}</td></tr>`)
  const add = manage
    ? html`<details><summary>Add a credential</summary>${postForm(ctx, `/console/customers/${c.id}/credentials`, html`<div class="filters">
<label>Protocol <select name="protocol"><option value="cxml">cXML (SharedSecret)</option><option value="oci">OCI (USERNAME / PASSWORD)</option></select></label>
<label>Domain (cXML) <input name="domain" placeholder="NetworkID"></label>
<label>Identity or OCI username <input name="identity" required></label>
<label>Secret (empty: generate one) <input name="secret" autocomplete="off"></label></div>
<label>Reason (kept in the audit log) <input name="reason" maxlength="1000"></label><button type="submit">Add credential</button>`, { id: 'add-credential' })}</details>`
    : raw('')
  return html`<div class="card" id="credentials"><h2>Credentials</h2>
<p class="muted">Secrets are stored as keyed hashes and never shown again after creation.${manage ? ' Rotating adds a new secret and keeps the old one valid until you revoke it, so the buyer can switch without downtime.' : ''}</p>
${table(html`<tr><th>Protocol</th><th>Domain</th><th>Identity</th><th>Created</th><th>Status</th><th></th></tr>`, rows, 'No credentials: this customer cannot punch out until one is added.', 'credential-table')}
${add}</div>`
}

function secretCard(ctx: PageContext, c: Customer, s: NonNullable<CustomerDetail['newSecret']>): RawHtml {
  const label = s.credential.protocol === 'cxml' ? 'SharedSecret' : 'PASSWORD'
  return html`<div class="card notice" id="new-secret"><h2>${s.replaces ? 'Credential rotated' : 'Credential added'}</h2>
<p>${s.credential.protocol} <code>${s.credential.domain}</code> / <code>${s.credential.identity}</code> — ${label}:</p>
<p class="secret" id="secret-value">${s.secret}</p>
<p><strong>Copy it now: it is shown this once.</strong> Give it to the buyer's procurement administrator through a secure channel.</p>
${s.replaces && ctx.can('manage') ? html`<p>The old credential (created ${formatTime(s.replaces.createdAt)}) stays valid until you revoke it, once the buyer uses the new secret.</p>
${postForm(ctx, `/console/customers/${c.id}/credentials/${s.replaces.id}/revoke`, html`<button class="danger" type="submit">Revoke the old credential now</button>`)}` : raw('')}</div>`
}

export interface CustomerFormValues {
  name: string
  tier: string
  slaTier: string
  retentionDays: string
  identityProfile: string
  cartTransport: string
  autoCreateUsers: boolean
  updateProfiles: boolean
  unknownRoles: string
  defaultRole: string
  matchByEmail: boolean
  allowUnidentifiedBuyers: boolean
}

export function customerFormValues(c: Customer): CustomerFormValues {
  const p = parsePolicy(c.provisioning)
  return {
    name: c.name, tier: c.tier, slaTier: String(c.slaTier), retentionDays: String(c.retentionDays), identityProfile: profileText(c.identityProfile),
    cartTransport: c.cartTransport, autoCreateUsers: p.autoCreateUsers, updateProfiles: p.updateProfiles, unknownRoles: p.unknownRoles,
    defaultRole: p.defaultRole, matchByEmail: p.matchByEmail, allowUnidentifiedBuyers: p.allowUnidentifiedBuyers,
  }
}

export function customerEditBody(ctx: PageContext, c: Customer, v: CustomerFormValues, error?: string): RawHtml {
  const option = (value: string, label: string, current: string) => html`<option value="${value}"${value === current ? raw(' selected') : raw('')}>${label}</option>`
  const check = (name: keyof CustomerFormValues, label: string) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="on"${v[name] ? raw(' checked') : raw('')}> ${label}</label>`
  return html`<h1>Edit ${c.name}</h1>
${error ? html`<div class="card error" role="alert" id="form-error"><p>${error}</p></div>` : raw('')}
<div class="card">${postForm(ctx, `/console/customers/${c.id}/edit`, html`
<div class="filters"><label>Name <input name="name" value="${v.name}" required maxlength="200"></label>
<label>Tier (commercial label) <input name="tier" value="${v.tier}" maxlength="40"></label>
<label>Support tier <select name="slaTier">${SLA_TIERS.map((t) => option(String(t), slaText(t), v.slaTier))}</select></label>
<label>Keep payloads (days) <input type="number" name="retentionDays" value="${v.retentionDays}" min="1" max="3650"></label>
<label>cXML cart transport <select name="cartTransport">${option('cxml-urlencoded', 'cxml-urlencoded', v.cartTransport)}${option('cxml-base64', 'cxml-base64', v.cartTransport)}</select></label></div>
<label>Identity profile: a preset (generic, ariba, coupa, jaggaer, oracle, sap-oci) or a JSON object <code>{"preset": …, "fields": {…}, "require": […]}</code>
<textarea name="identityProfile" rows="4">${v.identityProfile}</textarea></label>
<h2>Provisioning policy</h2><div class="filters">
<label>Unknown roles <select name="unknownRoles">${option('pending', 'pending: create them pending review', v.unknownRoles)}${option('default', 'default: treat as the default role', v.unknownRoles)}${option('reject', 'reject: refuse the setup', v.unknownRoles)}</select></label>
<label>Default role <input name="defaultRole" value="${v.defaultRole}" maxlength="200"></label></div>
${check('autoCreateUsers', 'Create buyers the gateway has never seen')}${check('updateProfiles', "Update known buyers' profiles from each request")}
${check('matchByEmail', 'Match a new unique name to a known user by e-mail')}${check('allowUnidentifiedBuyers', 'Allow requests that name no person (one labelled stand-in user)')}
<label>Reason (kept in the audit log) <input name="reason" maxlength="1000"></label>
<button type="submit">Save</button> <a class="button secondary" href="/console/customers/${c.id}">Cancel</a>`, { id: 'customer-form' })}</div>`
}
