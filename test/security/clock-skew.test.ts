import t from 'tap'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { JournalEntry } from '../../src/persistence/entities/index.ts'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { setupRequest } from '../helpers/fixtures.ts'
import { AUDIENCE, assertionFor, buyerCustomer, jwks, shopLogin } from '../domain/provisioning/punchout-helpers.ts'

/**
 * The gateway's clock and the verifier's disagree (docs/operations.md, "Clocks"). Each assertion is
 * signed at the gateway's time; the verifier then checks it at its own, `skew` seconds behind
 * (the gateway ahead) or ahead (the gateway behind). Two verifiers: an external storefront
 * configured as docs/storefront.md shows (jose, 30 s of tolerance), and the built-in storefront,
 * which verifies on the clock of the replica the browser reaches.
 */
const app = await buildTestApp(t)
const { from } = await buyerCustomer(app)
let buyers = 0
const assertion = () => assertionFor(app, setupRequest({ from, extrinsics: [['UniqueName', `skew-${++buyers}`]] }))

/** The verifier of docs/storefront.md, "Verifying the assertion in an external storefront". */
const externalStorefront = async (token: string, verifierClock: Date) =>
  jwtVerify(token, createLocalJWKSet(await jwks(app)), {
    issuer: PUBLIC_URL,
    audience: AUDIENCE,
    algorithms: ['ES256'],
    requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
    clockTolerance: 30,
    currentDate: verifierClock,
  })

/** The built-in storefront's login on a replica whose clock is `skew` seconds off the signer's (negative: behind it). */
async function builtinStorefront(token: string, skew: number) {
  app.clock.advance(skew)
  try {
    return await shopLogin(app, token)
  } finally {
    app.clock.advance(-skew)
  }
}

const refusals = () => app.db.orm.em.fork().count(JournalEntry, { channel: 'shop', errorCode: 'PG_ERR_ASSERTION_INVALID' })

const secondsFrom = (skew: number) => new Date(app.clock.now.getTime() + skew * 1000)

t.test('G11 clock-skew: an assertion from a gateway 5 minutes ahead of the verifier is refused as not yet valid', async (t) => {
  const token = await assertion()
  await t.rejects(externalStorefront(token, secondsFrom(-300)), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' }, 'the external storefront')
  const refusedBefore = await refusals()
  const refused = await builtinStorefront(token, -300)
  t.equal(refused.statusCode, 401, 'the built-in storefront')
  t.equal(await refusals(), refusedBefore + 1, 'journaled')
  // The refusal names the moment the token would have passed: its nbf less the 30 s tolerance.
  const activeAt = new Date((decodeJwt(token).nbf! - 30) * 1000).toISOString()
  t.match(refused.body, `The identity assertion is not valid: the token will be active at ${activeAt}`)
  // Nothing was spent: with the clocks agreeing, the same assertion signs the buyer in.
  t.equal((await shopLogin(app, token)).statusCode, 303)
})

t.test('G11 clock-skew: a gateway 5 minutes behind the verifier signs assertions that arrive expired', async (t) => {
  const token = await assertion()
  await t.rejects(externalStorefront(token, secondsFrom(300)), { code: 'ERR_JWT_EXPIRED' }, 'the external storefront')
  const refused = await builtinStorefront(token, 300)
  t.equal(refused.statusCode, 401, 'the built-in storefront')
  const expiredAt = new Date((decodeJwt(token).exp! + 30) * 1000).toISOString()
  t.match(refused.body, `The identity assertion is not valid: the token has expired at ${expiredAt}`)
})

t.test('G11 clock-skew: the gateway up to 30 s ahead is tolerated, 31 s is not', async (t) => {
  const within = await assertion()
  await t.resolves(externalStorefront(within, secondsFrom(-30)), 'the external storefront, 30 s')
  t.equal((await builtinStorefront(within, -30)).statusCode, 303, 'the built-in storefront, 30 s')
  const beyond = await assertion()
  await t.rejects(externalStorefront(beyond, secondsFrom(-31)), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' }, 'the external storefront, 31 s')
  t.equal((await builtinStorefront(beyond, -31)).statusCode, 401, 'the built-in storefront, 31 s')
})
