/**
 * Who may do what (docs/api.md, "Roles and capabilities"). A route or console page asks for one
 * capability; each role has a fixed set of them. Customer scope (Actor.customerIds) limits, on top
 * of this, which customers' objects a capability reaches.
 */

/** Roles of people (agent accounts) and of API tokens; `storefront` is for tokens only. */
export type Role = 'admin' | 'support' | 'auditor' | 'storefront'

export const AGENT_ROLES = ['admin', 'support', 'auditor'] as const
export type AgentRole = (typeof AGENT_ROLES)[number]

export const TOKEN_ROLES = ['admin', 'support', 'auditor', 'storefront'] as const satisfies readonly Role[]

export const CAPABILITIES = ['read', 'operate', 'manage', 'cart'] as const
/**
 * - `read`: see customers, credentials (never secrets), roles, users, sessions, the audit log;
 * - `operate`: day-to-day support actions on buyers (disable or enable a buyer user);
 * - `manage`: change customers, credentials, return-URL allow-lists, identity profiles, policies,
 *   role mappings, tokens, agent accounts and signing keys;
 * - `cart`: read a punchout session for the storefront and return its cart.
 */
export type Capability = (typeof CAPABILITIES)[number]

const GRANTS: Record<Role, ReadonlySet<Capability>> = {
  admin: new Set(['read', 'operate', 'manage', 'cart']),
  support: new Set(['read', 'operate', 'cart']),
  auditor: new Set(['read']),
  storefront: new Set(['cart']),
}

export const roleMay = (role: Role, capability: Capability): boolean => GRANTS[role].has(capability)
