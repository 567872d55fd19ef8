import type { FastifyInstance } from 'fastify'
import fastifyJwt from '@fastify/jwt'
import { createSigner } from 'fast-jwt'
import type { Config } from '../config/index.ts'
import { PunchgateError } from '../errors/index.ts'
import { ASSERTION_ALGORITHM, type KeyRing } from '../domain/federation/key-ring.ts'
import type { AssertionClaims, AssertionSigner } from '../domain/federation/assertion.ts'

/**
 * Assertions are signed and verified through @fastify/jwt (fast-jwt) with the algorithm pinned,
 * issuer and audience pinned, the key chosen by `kid` from our own key ring only (never from a
 * `jku`/`x5u` header), and no verified-token cache (docs/storefront.md, "How the gateway signs and verifies").
 */
export async function registerFederation(app: FastifyInstance, config: Config, keys: KeyRing): Promise<AssertionSigner> {
  const current = await keys.signingKey()
  await app.register(fastifyJwt, {
    // Verification picks the key by kid (below); the plugin still wants a valid default.
    secret: { private: current.privateKeyPem, public: (await keys.publicKeyPem(current.kid))! },
    sign: { algorithm: ASSERTION_ALGORITHM },
    verify: { algorithms: [ASSERTION_ALGORITHM] },
  })
  // One signer per key, made once: @fastify/jwt would parse the PEM and build a signer on every
  // call (≈ 465 µs against ≈ 40 µs), and every start link signs. The same fast-jwt underneath.
  let signer: { kid: string; sign: (claims: AssertionClaims) => string } | undefined
  return {
    async sign(claims: AssertionClaims) {
      const key = await keys.signingKey()
      if (signer?.kid !== key.kid) {
        signer = { kid: key.kid, sign: createSigner({ key: key.privateKeyPem, algorithm: ASSERTION_ALGORITHM, kid: key.kid }) }
      }
      return signer.sign(claims)
    },
    async verify(token: string) {
      const invalid = (why: string) => new PunchgateError('PG_ERR_ASSERTION_INVALID', `The identity assertion is not valid: ${why}.`)
      let kid: unknown
      try {
        kid = (app.jwt.decode(token, { complete: true }) as { header?: { kid?: unknown } } | null)?.header?.kid
      } catch {
        throw invalid('it is not a JWT')
      }
      const publicKey = typeof kid === 'string' ? await keys.publicKeyPem(kid) : undefined
      if (!publicKey) throw invalid('it was not signed by a key of this gateway')
      try {
        return app.jwt.verify<AssertionClaims>(token, {
          key: publicKey,
          algorithms: [ASSERTION_ALGORITHM],
          allowedIss: config.publicUrl,
          allowedAud: config.storefrontAudience,
          requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'sid'],
          clockTolerance: 30_000,
          // @fastify/jwt reads a numeric maxAge as seconds (it converts to fast-jwt's milliseconds).
          maxAge: config.assertionTtlSeconds + 30,
          // Against the gateway's clock, the one that set iat/exp (fast-jwt defaults to Date.now()).
          clockTimestamp: keys.now().getTime(),
        })
      } catch (err) {
        // Lower-case the first letter only: the time in "will be active at <ISO time>" must stay
        // readable, it is how a skewed clock shows (docs/operations.md, "Clocks").
        const message = (err as Error).message.replace(/\.$/, '')
        throw invalid(message.charAt(0).toLowerCase() + message.slice(1))
      }
    },
  }
}
