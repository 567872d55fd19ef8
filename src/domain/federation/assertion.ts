import { randomBytes } from 'node:crypto'
import type { BuyerUser, Customer, PunchoutSession } from '../../persistence/entities/index.ts'

/**
 * The identity assertion handed to the storefront instead of a password (docs/architecture.md,
 * "A punchout, step by step", step 2; claims: docs/storefront.md, "Identity assertion (federation)").
 * Short-lived, single-use (jti), signed with an asymmetric key published at /.well-known/jwks.json.
 */
export interface AssertionClaims {
  iss: string
  aud: string
  /** The stable federated id of the buyer: the gateway's user id, never the email. */
  sub: string
  email: string | null
  name: string | null
  given_name?: string
  family_name?: string
  /** The customer's slug, and its id. */
  customer: string
  customer_id: string
  roles: string[]
  permissions: string[]
  spend_limit: string | null
  /** The punchout session. */
  sid: string
  /** The setup operation: create, edit, inspect. */
  op: string
  protocol: string
  unidentified?: true
  /**
   * The agent acting on the buyer's behalf (RFC 8693 actor claim; docs/storefront.md, "Order on
   * behalf"): present only in a session an agent started for the buyer, whose `sub` it remains.
   */
  act?: { sub: string }
  jti: string
  iat: number
  nbf: number
  exp: number
}

/** Signs and verifies assertions; implemented by the HTTP layer with @fastify/jwt. */
export interface AssertionSigner {
  sign(claims: AssertionClaims): Promise<string>
  verify(token: string): Promise<AssertionClaims>
}

export function assertionClaims(
  opts: { issuer: string; audience: string; ttlSeconds: number; now: Date },
  session: PunchoutSession,
  customer: Customer,
  user: BuyerUser,
): AssertionClaims {
  const iat = Math.floor(opts.now.getTime() / 1000)
  return {
    iss: opts.issuer,
    aud: opts.audience,
    sub: user.id,
    email: user.email ?? null,
    name: user.displayName ?? null,
    ...(user.firstName ? { given_name: user.firstName } : {}),
    ...(user.lastName ? { family_name: user.lastName } : {}),
    customer: customer.slug,
    customer_id: customer.id,
    roles: session.grant.roles.map((r) => r.name),
    permissions: session.grant.permissions,
    spend_limit: session.grant.spendLimit,
    sid: session.id,
    op: session.operation,
    protocol: session.protocol,
    ...(user.unidentified ? { unidentified: true as const } : {}),
    ...(session.onBehalfAgent ? { act: { sub: session.onBehalfAgent } } : {}),
    jti: randomBytes(16).toString('base64url'),
    iat,
    nbf: iat,
    exp: iat + opts.ttlSeconds,
  }
}
