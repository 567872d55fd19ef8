import { randomBytes } from 'node:crypto'
import type { TestApp } from '../../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml, setupRequest, type SetupOptions } from '../../helpers/fixtures.ts'
import { HOOK_URL, OCI_PASSWORD, OCI_USERNAME, PERSON, loginParams, ociGet } from '../oci/oci-helpers.ts'

/** Shared by the session-journal tests (test/http/api/sessions*.test.ts, test/domain/journal/). */

export const SHARED_SECRET = 's3cret-shared'
/** A BuyerCookie a spreadsheet would run as a formula, with a comma and quotes to quote. */
export const FORMULA_COOKIE = '=HYPERLINK("https://evil.example/x","click"),1'

export interface SeededJournal {
  acme: { id: string; slug: string; name: string }
  globex: { id: string; slug: string; name: string }
  initech: { id: string; slug: string; name: string }
  /** The cXML credential identities (SharedSecret: SHARED_SECRET). */
  identities: { acme: string; globex: string }
  /** payloadIDs of the requests, by what they are. */
  payloadIds: { jane: string; hans: string; refused: string; bob: string; janeAgain: string; badSecret: string }
  /** The support reference of the bad-secret answer. */
  badSecretReference: string
  /** The five sessions created at one instant (equal created_at), by unique name. */
  tied: string[]
  /** The instant of the first setup; each later step is 60 s after the one before. */
  start: Date
}

const person = (unique: string, first: string, last: string, email: string): SetupOptions['extrinsics'] => [
  ['UniqueName', unique], ['UserEmail', email], ['FirstName', first], ['LastName', last],
]

/**
 * Punchouts of three customers through the real endpoints: Acme (cXML: Jane, Hans with an edit,
 * a refused return URL, Jane again signed in to the storefront, five setups at one instant), Globex
 * (cXML: Bob, with a BuyerCookie that looks like a formula), Initech (an OCI login); plus two
 * requests that never became a session: a wrong SharedSecret and a malformed document.
 */
export async function seedJournal(t: TestApp): Promise<SeededJournal> {
  const { app, clock } = t
  const tag = randomBytes(3).toString('hex')
  const acme = await createCustomer(app, { name: 'Acme Corp', slug: `acme-${tag}` })
  const globex = await createCustomer(app, { name: 'Globex, "Intl"', slug: `globex-${tag}` })
  const initech = await createCustomer(app, { name: 'Initech', slug: `initech-${tag}`, identityProfile: 'sap-oci', returnUrlHosts: [new URL(HOOK_URL).host] })
  const acmeId = `AN-ACME-${tag}`
  const globexId = `AN-GLOBEX-${tag}`
  await addCredential(app, acme.id, { protocol: 'cxml', domain: 'NetworkID', identity: acmeId, sharedSecret: SHARED_SECRET })
  await addCredential(app, globex.id, { protocol: 'cxml', domain: 'NetworkID', identity: globexId, sharedSecret: SHARED_SECRET })
  await addCredential(app, initech.id, { protocol: 'oci', username: OCI_USERNAME, password: OCI_PASSWORD })
  const payloadIds = {
    jane: `jane-1-${tag}@buyer.example.com`, hans: `hans-1-${tag}@buyer.example.com`, refused: `refused-${tag}@buyer.example.com`,
    bob: `bob-1-${tag}@globex.example`, janeAgain: `jane-2-${tag}@buyer.example.com`, badSecret: `bad-secret-${tag}@buyer.example.com`,
  }
  const setup = async (identity: string, o: SetupOptions, expected = 200) => {
    const res = await postCxml(app, setupRequest({ from: [['NetworkID', identity]], secret: SHARED_SECRET, ...o }))
    const answer = cxmlAnswer(res.body)
    if (answer.code !== expected) throw new Error(`seed setup ${o.payloadID}: ${res.body}`)
    return answer
  }
  const start = new Date(clock.now)
  const jane = person('jdoe', 'Jane', 'Doe', 'Jane.Doe@buyer.example.com')
  await setup(acmeId, { payloadID: payloadIds.jane, buyerCookie: 'cookie-jane-1', extrinsics: jane })
  clock.advance(60)
  await setup(acmeId, { payloadID: payloadIds.hans, buyerCookie: 'cookie-hans-1', operation: 'edit', extrinsics: person('hmueller', 'Hans', 'Müller', 'hans.mueller@buyer.example.com') })
  clock.advance(60)
  await setup(acmeId, { payloadID: payloadIds.refused, browserFormPost: 'https://evil.example.net/return', extrinsics: jane }, 403)
  clock.advance(60)
  await setup(globexId, { payloadID: payloadIds.bob, buyerCookie: FORMULA_COOKIE, extrinsics: person('bob', 'Bob', 'Smith', 'bob@globex.example') })
  clock.advance(60)
  const again = await setup(acmeId, { payloadID: payloadIds.janeAgain, buyerCookie: 'cookie-jane-2', extrinsics: jane })
  const used = await app.inject({ method: 'GET', url: new URL(again.startPage!).pathname })
  if (used.statusCode !== 302) throw new Error(`seed start link: ${used.statusCode}`)
  const login = new URL(String(used.headers.location))
  const signedIn = await app.inject({ method: 'GET', url: `${login.pathname}${login.search}` })
  if (signedIn.statusCode !== 303) throw new Error(`seed storefront sign-in: ${signedIn.statusCode}`)
  clock.advance(60)
  const tied = ['tie-1', 'tie-2', 'tie-3', 'tie-4', 'tie-5']
  for (const unique of tied) await setup(acmeId, { buyerCookie: `cookie-${unique}`, extrinsics: person(unique, 'Tie', unique, `${unique}@buyer.example.com`) })
  clock.advance(60)
  const oci = await ociGet(app, loginParams({}, { ...PERSON, 'SY-UNAME': `MUELLER-${tag}` }))
  if (oci.statusCode !== 303) throw new Error(`seed OCI login: ${oci.statusCode} ${oci.body}`)
  clock.advance(60)
  const bad = await postCxml(app, setupRequest({ from: [['NetworkID', acmeId]], secret: 'not-the-secret', payloadID: payloadIds.badSecret }))
  const badSecretReference = /reference ([0-9a-f-]{36})/.exec(bad.body)?.[1]
  if (!badSecretReference) throw new Error(`seed bad secret: ${bad.body}`)
  await postCxml(app, '<?xml version="1.0"?><cXML payloadID="malformed@buyer.example.com"><Header>')
  return { acme, globex, initech, identities: { acme: acmeId, globex: globexId }, payloadIds, badSecretReference, tied, start }
}

/** GET with the bootstrap admin token (or other headers); the parsed JSON and the status. */
export async function get(t: TestApp, url: string, headers: Record<string, string> = adminHeaders) {
  const res = await t.app.inject({ method: 'GET', url, headers })
  return { status: res.statusCode, body: res.json(), res }
}

export const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString()
