import { onBehalfSettings } from '../../../domain/on-behalf/settings.ts'
import { cartChecksSettings } from '../../../domain/provisioning/cart-rules.ts'
import type { ApiToken, Credential, Customer } from '../../../persistence/entities/index.ts'

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

export const customerView = (c: Customer) => ({
  id: c.id, name: c.name, slug: c.slug, tier: c.tier, identityProfile: c.identityProfile, provisioning: c.provisioning,
  returnUrlHosts: c.returnUrlHosts, cartTransport: c.cartTransport, ociOptions: c.ociOptions,
  retentionDays: c.retentionDays, slaTier: c.slaTier, priceTolerance: Number(c.priceTolerance ?? 0), pricePolicy: c.pricePolicy ?? 'record',
  onBehalf: onBehalfSettings(c),
  orderStatusUrl: c.orderStatusUrl ?? null,
  hasOrderStatusSecret: Boolean(c.orderStatusSecret),
  cartChecks: cartChecksSettings(c),
  createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString(),
})

export const credentialView = (c: Credential) => ({
  id: c.id, customerId: c.customerId, protocol: c.protocol, domain: c.domain, identity: c.identity,
  createdAt: c.createdAt.toISOString(), revokedAt: iso(c.revokedAt),
})

export const tokenView = (t: ApiToken) => ({
  id: t.id, name: t.name, role: t.role, customerIds: t.customerIds ?? null, createdAt: t.createdAt.toISOString(), revokedAt: iso(t.revokedAt),
  expiresAt: iso(t.expiresAt),
})
