import t from 'tap'
import { BuyerUser, JournalEntry, PunchoutSession, SessionEvent } from '../../../src/persistence/entities/index.ts'
import { addCredential, createCustomer } from '../../helpers/fixtures.ts'
import {
  CATERPILLAR_URL, FORM, HOOK_URL, OCI_PASSWORD, OCI_USERNAME, PERSON, followStart, loginParams, ociGet, ociPost, ociTestApp,
} from './oci-helpers.ts'

t.test('OCI login (catalog start call)', async (t) => {
  const { app, db, logs, customer } = await ociTestApp(t)
  const em = () => db.orm.em.fork()

  t.test('GET with the Caterpillar URL parameters plus HOOK_URL: 303 to the start link, then the storefront as the person', async (t) => {
    const res = await ociGet(app, loginParams())
    t.equal(res.statusCode, 303)
    t.equal(res.headers['cache-control'], 'no-store')
    const location = res.headers.location as string
    t.match(location, /^https:\/\/gateway\.test\/punchout\/start\/[A-Za-z0-9_-]{20,}$/)
    const { shopLogin, claims } = await followStart(app, location)
    t.equal(`${shopLogin.origin}${shopLogin.pathname}`, 'https://gateway.test/shop/login')
    const user = await em().findOneOrFail(BuyerUser, { customerId: customer.id, uniqueName: 'MUELLER' })
    t.match(claims, { sub: user.id, email: 'hans.mueller@buyer.example.com', name: 'Hans Müller', customer: customer.slug, op: 'create' })
    const session = await em().findOneOrFail(PunchoutSession, { id: claims.sid })
    t.match(session, { protocol: 'oci', status: 'started', returnUrl: HOOK_URL, userId: user.id })
    t.same(session.protocolContext.oci, { okCode: 'ADDI', target: '_blank', caller: 'CTLG' })
    const entry = await em().findOneOrFail(JournalEntry, { channel: 'oci', sessionId: session.id })
    t.match(entry, { customerId: customer.id, httpStatus: 303, outcome: 'ok', method: 'GET' })
    t.match(entry.path, /[?&]PASSWORD=\*\*\*(&|$)/)
    t.notOk(entry.path.includes(OCI_PASSWORD))
    t.notOk(Buffer.from(entry.requestBody!).toString().includes(OCI_PASSWORD), 'the journaled query is redacted')
  })

  t.test('POST with the fields in a form body works the same and is journaled with PASSWORD redacted', async (t) => {
    const res = await ociPost(app, loginParams({ OCI_VERSION: '5.0' }).toString())
    t.equal(res.statusCode, 303)
    const { claims } = await followStart(app, res.headers.location as string)
    t.equal(claims.email, 'hans.mueller@buyer.example.com')
    const session = await em().findOneOrFail(PunchoutSession, { id: claims.sid })
    t.equal(session.protocolContext.oci?.version, '5.0')
    const entry = await em().findOneOrFail(JournalEntry, { channel: 'oci', sessionId: claims.sid })
    t.match(entry, { customerId: customer.id, httpStatus: 303, outcome: 'ok', method: 'POST' })
    const body = Buffer.from(entry.requestBody!).toString('latin1')
    t.match(body, /(^|&)PASSWORD=\*\*\*(&|$)/)
    t.match(body, /USERNAME=\*username\*/)
    t.notOk(body.includes(OCI_PASSWORD), 'no password in the journal body')
  })

  t.test('a GET in ISO-8859-1 (non-Unicode SAP) reads the umlaut right', async (t) => {
    const params = loginParams({}, { ...PERSON, 'SY-UNAME': 'JAEGER', USER_EMAIL: 'j.jaeger@buyer.example.com', USER_NAME: 'Jürgen Jäger' })
    const latin1 = params.toString().replace(/%C3%BC/g, '%FC').replace(/%C3%A4/g, '%E4')
    const res = await app.inject({ method: 'GET', url: `/punchout/oci?${latin1}` })
    t.equal(res.statusCode, 303)
    const { claims } = await followStart(app, res.headers.location as string)
    t.equal(claims.name, 'Jürgen Jäger')
  })

  t.test('a POST body in ISO-8859-1, declared in Content-Type, reads the umlaut right', async (t) => {
    const params = loginParams({}, { ...PERSON, USER_NAME: 'Hans Müller-Lüdenscheidt' })
    const latin1 = params.toString().replace(/%C3%BC/g, '%FC')
    const res = await ociPost(app, latin1, `${FORM}; charset=ISO-8859-1`)
    t.equal(res.statusCode, 303)
    const { claims } = await followStart(app, res.headers.location as string)
    t.equal(claims.name, 'Hans Müller-Lüdenscheidt')
  })

  t.test('B16 oci-bad-password: wrong password: 401 page with a reference, nothing created, password nowhere (docs/oci.md, "The login call")', async (t) => {
    const wrong = 'Wr0ng-Secret-4711'
    const usersBefore = await em().count(BuyerUser, {})
    const sessionsBefore = await em().count(PunchoutSession, {})
    const params = loginParams({ PASSWORD: wrong }, { ...PERSON, 'SY-UNAME': 'NEWUSER', USER_EMAIL: 'new.user@buyer.example.com' })
    for (const res of [await ociGet(app, params), await ociPost(app, params.toString())]) {
      t.equal(res.statusCode, 401)
      t.match(res.headers['content-type'], /^text\/html/)
      t.match(res.body, /Sign-in refused/)
      t.match(res.body, /Reference for support: <code>[0-9a-f-]{36}<\/code>/)
      t.notMatch(res.body, /at \w+ \(|node_modules/, 'no stack trace')
      t.notOk(res.body.includes(wrong))
    }
    t.equal(await em().count(BuyerUser, {}), usersBefore, 'no user')
    t.equal(await em().count(PunchoutSession, {}), sessionsBefore, 'no session')
    t.equal(await em().count(BuyerUser, { uniqueName: 'NEWUSER' }), 0)
    const entries = await em().find(JournalEntry, { channel: 'oci', errorCode: 'PG_ERR_AUTH_BAD_SECRET' })
    t.equal(entries.length, 2)
    for (const e of entries) {
      t.equal(e.outcome, 'refused')
      t.equal(e.httpStatus, 401)
      t.notOk(e.path.includes(wrong), 'not in the journaled path')
      t.notOk(Buffer.from(e.requestBody!).toString('latin1').includes(wrong), 'not in the journaled body')
      t.notOk((e.responseBody ?? '').includes(wrong), 'not in the journaled answer')
    }
    t.ok(logs.length > 0)
    t.notOk(logs.some((l) => l.includes(wrong)), 'not in the logs')
    t.notOk(logs.some((l) => l.includes(OCI_PASSWORD)), 'the right password is not in the logs either')
  })

  t.test('a percent-encoded PASSWORD name (%50ASSWORD) is redacted in the journal path and the logs too', async (t) => {
    const secret = 'Obfusc4ted-Secret-99'
    const query = `${loginParams({}, { ...PERSON, 'SY-UNAME': 'OBF' })}`.replace(/PASSWORD=[^&]*/, `%50ASSWORD=${secret}`)
    const res = await app.inject({ method: 'GET', url: `/punchout/oci?${query}` })
    t.equal(res.statusCode, 401, 'read as the password, and a wrong one')
    const entry = await em().findOneOrFail(JournalEntry, { channel: 'oci', path: { $like: '%OBF%' } })
    t.notOk(entry.path.includes(secret))
    t.notOk(Buffer.from(entry.requestBody!).toString().includes(secret))
    t.notOk(logs.some((l) => l.includes(secret)))
  })

  t.test('unknown USERNAME: 401 page, nothing created', async (t) => {
    const res = await ociGet(app, loginParams({ USERNAME: 'nobody' }))
    t.equal(res.statusCode, 401)
    t.match(res.body, /The credential of OCI user nobody is not accepted/)
  })

  t.test('no person in the call (sap-oci profile, no SY-UNAME/USER_EMAIL): 400 page naming what is missing', async (t) => {
    const before = await em().count(BuyerUser, {})
    const res = await ociGet(app, loginParams({}, { USER_NAME: 'Somebody' }))
    t.equal(res.statusCode, 400)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.body, /does not identify the buyer: no unique name or email/)
    t.match(res.body, /OCI field SY-UNAME/)
    t.match(res.body, /OCI field USER_EMAIL/)
    t.equal(await em().count(BuyerUser, {}), before)
    const entry = await em().findOneOrFail(JournalEntry, { channel: 'oci', errorCode: 'PG_ERR_IDENTITY_MISSING' })
    t.equal(entry.customerId, customer.id)
    const session = await em().findOneOrFail(PunchoutSession, { id: entry.sessionId! })
    t.match(session, { status: 'failed', failureCode: 'PG_ERR_IDENTITY_MISSING', userId: null })
  })

  t.test('HOOK_URL not on the allow-list: 403 page, failed session, no user', async (t) => {
    for (const hook of ['https://evil.example.net/hook', 'https://srm.buyer.example.com@evil.example.net/hook', 'javascript:alert(1)']) {
      const res = await ociGet(app, loginParams({ HOOK_URL: hook }, { ...PERSON, 'SY-UNAME': 'HOOKTEST', USER_EMAIL: 'hook@buyer.example.com' }))
      t.equal(res.statusCode, 403, hook)
      t.match(res.body, /Return address refused/)
      t.notOk(res.body.includes('<script'), 'the refused URL is shown as text only')
    }
    t.equal(await em().count(BuyerUser, { uniqueName: 'HOOKTEST' }), 0)
    const failed = await em().find(PunchoutSession, { failureCode: 'PG_ERR_RETURN_URL_REFUSED' })
    t.equal(failed.length, 3)
  })

  t.test("E7 oci-hook-url-other-tenant: another customer's allow-listed HOOK_URL is refused (docs/api.md, \"Return-URL allow-list\")", async (t) => {
    const other = await createCustomer(app, { identityProfile: 'sap-oci', returnUrlHosts: ['srm.other-buyer.example.org'] })
    await addCredential(app, other.id, { protocol: 'oci', username: 'other-tech', password: 'other-password-1' })
    const res = await ociGet(app, loginParams({ HOOK_URL: 'https://srm.other-buyer.example.org/hook' }))
    t.equal(res.statusCode, 403)
  })

  t.test('no HOOK_URL (the Caterpillar URL as published): 400 page saying so', async (t) => {
    const params = new URLSearchParams(CATERPILLAR_URL.search)
    for (const [k, v] of Object.entries(PERSON)) params.set(k, v)
    const res = await ociGet(app, params)
    t.equal(res.statusCode, 400)
    t.match(res.body, /HOOK_URL is missing/)
  })

  t.test('malformed calls: 400 pages, journaled as malformed', async (t) => {
    const noUser = await ociGet(app, new URLSearchParams({ PASSWORD: OCI_PASSWORD, HOOK_URL }))
    t.equal(noUser.statusCode, 400)
    t.match(noUser.body, /no USERNAME/)
    const json = await app.inject({ method: 'POST', url: '/punchout/oci', payload: { USERNAME: OCI_USERNAME, PASSWORD: OCI_PASSWORD } })
    t.equal(json.statusCode, 400)
    t.match(json.body, /must be sent as a form/)
    const entries = await em().find(JournalEntry, { channel: 'oci', outcome: 'malformed' })
    t.ok(entries.length >= 2)
    t.notOk(entries.some((e) => Buffer.from(e.requestBody ?? '').toString('latin1').includes(OCI_PASSWORD)))
    const unknownFn = await ociGet(app, loginParams({ FUNCTION: 'TELEPORT' }))
    t.equal(unknownFn.statusCode, 406)
    t.match(unknownFn.body, /The OCI FUNCTION &quot;TELEPORT&quot; is not supported/)
  })

  t.test('a body over 256 KiB is refused with 413 before parsing', async (t) => {
    const res = await ociPost(app, `${loginParams()}&PAD=${'x'.repeat(300 * 1024)}`)
    t.equal(res.statusCode, 413)
  })
})

t.test('provisioning from OCI fields', async (t) => {
  const { app, db, customer } = await ociTestApp(t)
  const em = () => db.orm.em.fork()

  t.test('a new buyer is created with email, name, roles and locale from the login fields', async (t) => {
    const res = await ociGet(app, loginParams({}, { ...PERSON, 'SY-UNAME': 'SCHMIDT', USER_EMAIL: 'Eva.Schmidt@Buyer.Example.com', USER_NAME: 'Eva Schmidt', ROLES: 'buyer;approver', 'SY-LANGU': 'DE' }))
    t.equal(res.statusCode, 303)
    const { claims } = await followStart(app, res.headers.location as string)
    const user = await em().findOneOrFail(BuyerUser, { customerId: customer.id, uniqueName: 'SCHMIDT' })
    t.match(user, { email: 'eva.schmidt@buyer.example.com', displayName: 'Eva Schmidt', locale: 'DE', roles: ['buyer', 'approver'] })
    t.same(claims.roles, ['buyer', 'approver'])
    const events = await em().find(SessionEvent, { sessionId: claims.sid }, { orderBy: { id: 'asc' } })
    t.ok(events.some((e) => e.type === 'user.created'), 'the decision is on the timeline')
  })

  t.test('the next login with a changed name updates the same user; the technical USERNAME never becomes a person', async (t) => {
    const res = await ociGet(app, loginParams({}, { ...PERSON, 'SY-UNAME': 'SCHMIDT', USER_EMAIL: 'eva.schmidt@buyer.example.com', USER_NAME: 'Eva Schmidt-Weber', ROLES: 'buyer' }))
    t.equal(res.statusCode, 303)
    const { claims } = await followStart(app, res.headers.location as string)
    const users = await em().find(BuyerUser, { customerId: customer.id, uniqueName: 'SCHMIDT' })
    t.equal(users.length, 1)
    t.match(users[0], { displayName: 'Eva Schmidt-Weber', roles: ['buyer'] })
    t.equal(claims.sub, users[0]!.id)
    t.equal(claims.name, 'Eva Schmidt-Weber')
    t.equal(await em().count(BuyerUser, { uniqueName: OCI_USERNAME }), 0)
  })

  t.test('two people behind one technical login are two users', async (t) => {
    await ociGet(app, loginParams({}, { ...PERSON, 'SY-UNAME': 'A1', USER_EMAIL: 'a1@buyer.example.com' }))
    await ociGet(app, loginParams({}, { ...PERSON, 'SY-UNAME': 'B2', USER_EMAIL: 'b2@buyer.example.com' }))
    t.equal(await em().count(BuyerUser, { customerId: customer.id, uniqueName: { $in: ['A1', 'B2'] } }), 2)
  })
})
