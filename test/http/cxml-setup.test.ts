import t from 'tap'
import { JournalEntry, PunchoutSession, BuyerUser } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { assertValidCxml } from '../helpers/cxml-dtd.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { hostile } from '../security/helpers.ts'

t.test('PunchOutSetupRequest create', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const em = () => db.orm.em.fork()

  t.test('answers 200 with a one-time StartPage under PUBLIC_URL, valid against the DTD', async (t) => {
    const res = await postCxml(app, setupRequest({ payloadID: 'create-1@buyer' }))
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/xml/)
    const answer = cxmlAnswer(res.body)
    t.equal(answer.code, 200)
    t.match(answer.startPage, /^https:\/\/gateway\.test\/punchout\/start\/[A-Za-z0-9_-]{43}$/)
    await assertValidCxml(t, res.body)
  })

  t.test('creates the buyer user from the Extrinsics and a provisioned session', async (t) => {
    await postCxml(app, setupRequest({ payloadID: 'create-2@buyer', buyerCookie: ' padded-cookie \n' }))
    const user = await em().findOneOrFail(BuyerUser, { customerId: customer.id, uniqueName: 'jane' })
    t.equal(user.email, 'jane@buyer.example.com')
    const session = await em().findOneOrFail(PunchoutSession, { payloadId: 'create-2@buyer' })
    t.equal(session.status, 'provisioned')
    t.equal(session.userId, user.id)
    t.equal(session.returnUrl, 'https://buyer.example.com/punchout/return?x=1&y=2')
  })

  t.test('journals the request with its bytes, SharedSecret redacted, before answering', async (t) => {
    await postCxml(app, setupRequest({ payloadID: 'create-3@buyer' }))
    const entry = await em().findOneOrFail(JournalEntry, { payloadId: 'create-3@buyer' })
    const raw = Buffer.from(entry.requestBody!).toString('utf8')
    t.equal(entry.channel, 'cxml')
    t.equal(entry.outcome, 'ok')
    t.equal(entry.protocolStatus, 200)
    t.equal(entry.customerId, customer.id)
    t.ok(entry.sessionId)
    t.match(raw, /<SharedSecret>\*\*\*<\/SharedSecret>/)
    t.notMatch(raw, /s3cret-shared/)
    t.match(entry.responseBody, /<StartPage>/)
  })

  t.test('B1 auth-wrong-shared-secret: a wrong secret is 401, creates nothing, and is journaled as refused', async (t) => {
    const res = await postCxml(app, setupRequest({ payloadID: 'bad-secret@buyer', secret: 's3cret-sharee', extrinsics: [['UniqueName', 'mallory']] }))
    t.equal(res.statusCode, 401)
    const answer = cxmlAnswer(res.body)
    t.equal(answer.code, 401)
    t.match(answer.detail, /shared secret/i)
    await assertValidCxml(t, res.body)
    t.equal(await em().count(BuyerUser, { uniqueName: 'mallory' }), 0)
    t.equal(await em().count(PunchoutSession, { payloadId: 'bad-secret@buyer' }), 0)
    const entry = await em().findOneOrFail(JournalEntry, { payloadId: 'bad-secret@buyer' })
    t.equal(entry.outcome, 'refused')
    t.equal(entry.errorCode, 'PG_ERR_AUTH_BAD_SECRET')
  })

  t.test('an unknown identity is 401', async (t) => {
    const res = await postCxml(app, setupRequest({ from: [['NetworkID', 'AN-NOBODY']] }))
    t.equal(cxmlAnswer(res.body).code, 401)
    t.match(cxmlAnswer(res.body).detail, /The credential of NetworkID:AN-NOBODY is not accepted/)
  })

  t.test('B2 auth-missing-credential: a missing SharedSecret is 401', async (t) => {
    const res = await postCxml(app, setupRequest({ secret: null }))
    t.equal(cxmlAnswer(res.body).code, 401)
  })

  t.test('From decides the customer; a network identity in Sender does not (Ariba)', async (t) => {
    const res = await postCxml(app, setupRequest({ sender: ['AribaNetworkUserId', 'sysadmin@ariba.com'] }))
    t.equal(cxmlAnswer(res.body).code, 200)
  })

  t.test('credential domains compare case-insensitively, identities exactly', async (t) => {
    t.equal(cxmlAnswer((await postCxml(app, setupRequest({ from: [['networkid', 'AN-BUYER-1']] }))).body).code, 200)
    t.equal(cxmlAnswer((await postCxml(app, setupRequest({ from: [['NetworkID', 'an-buyer-1']] }))).body).code, 401)
  })

  t.test('a BrowserFormPost off the allow-list is 403 and leaves only a failed session', async (t) => {
    const res = await postCxml(app, setupRequest({ payloadID: 'evil-return@buyer', browserFormPost: 'https://buyer.example.com.evil.test/x', extrinsics: [['UniqueName', 'eve']] }))
    t.equal(res.statusCode, 403)
    t.equal(cxmlAnswer(res.body).code, 403)
    t.match(cxmlAnswer(res.body).detail, /not on the customer's allow-list/)
    t.equal(await em().count(BuyerUser, { uniqueName: 'eve' }), 0)
    const session = await em().findOneOrFail(PunchoutSession, { payloadId: 'evil-return@buyer' })
    t.equal(session.status, 'failed')
    t.equal(session.failureCode, 'PG_ERR_RETURN_URL_REFUSED')
  })

  for (const url of ['javascript:alert(1)', 'https://buyer.example.com@evil.test/', 'http://buyer.example.com/', '//evil.test', 'https://buyer.example.com/a\nb']) {
    t.test(`refuses return URL ${JSON.stringify(url)}`, async (t) => {
      const res = await postCxml(app, setupRequest({ browserFormPost: url }))
      t.equal(cxmlAnswer(res.body).code, 403)
    })
  }

  t.test('a create without BrowserFormPost is 400', async (t) => {
    const res = await postCxml(app, setupRequest({ browserFormPost: null }))
    t.equal(cxmlAnswer(res.body).code, 400)
    t.match(cxmlAnswer(res.body).detail, /BrowserFormPost/)
  })
})

t.test('malformed and hostile documents', async (t) => {
  const { app, db } = await buildTestApp(t)
  const em = () => db.orm.em.fork()
  const file = (name: string) => hostile(name).toString('utf8')
  const cases: Array<[string, string]> = [
    ['A10 xml-malformed (not XML)', 'hello'],
    ['A10 xml-malformed (unclosed tag)', '<cXML payloadID="x" timestamp="t"><Header></cXML>'],
    ['A10 xml-malformed (root is not cXML)', '<?xml version="1.0"?><Envelope/>'],
    ['A1 xml-billion-laughs', file('cxml-billion-laughs.xml')],
    ['A2 xml-quadratic-blowup', file('cxml-quadratic-blowup.xml.gz')],
    ['A3 xml-xxe-file', file('cxml-xxe-file.xml')],
    ['A6 xml-entity-shadow-lt', file('cxml-entity-shadow-lt.xml')],
    ['A9 xml-proto-tags', file('cxml-proto-tags.xml')],
    ['A13 xml-deep-nesting', file('cxml-deep-nesting.xml.gz')],
    ['A10 xml-malformed (empty body)', ''],
    ['NUL inside an Identity', '<?xml version="1.0"?><cXML payloadID="x" timestamp="t"><Header><From><Credential domain="NetworkID"><Identity>AN\u0000X</Identity></Credential></From></Header></cXML>'],
  ]
  for (const [name, body] of cases) {
    t.test(`${name}: cXML 400, never HTML or a stack trace, journaled as malformed`, async (t) => {
      const before = await em().count(JournalEntry, {})
      const res = await postCxml(app, body)
      t.equal(res.statusCode, 400)
      t.match(res.headers['content-type'], /^text\/xml/)
      t.equal(cxmlAnswer(res.body).code, 400)
      t.notMatch(res.body, /at [\w.]+ \(|node_modules|Error:|root:/)
      t.equal(({} as Record<string, unknown>).polluted, undefined)
      t.equal(await em().count(PunchoutSession, {}), 0, 'nothing persisted')
      const entries = await em().find(JournalEntry, {}, { orderBy: { id: 'desc' }, limit: 1 })
      t.equal(await em().count(JournalEntry, {}), before + 1)
      t.equal(entries[0]!.outcome, 'malformed')
    })
  }

  t.test('F8 unsupported-content-type: a JSON or unknown body type on the cXML endpoint is 415, answered in cXML', async (t) => {
    for (const type of ['application/json', 'application/octet-stream']) {
      const res = await app.inject({ method: 'POST', url: '/punchout/cxml', headers: { 'content-type': type }, payload: '{}' })
      t.equal(res.statusCode, 415, type)
      t.equal(cxmlAnswer(res.body).code, 415)
    }
  })

  t.test('F1 body-too-large: a body over the limit is 413 with a cXML answer', async (t) => {
    const res = await postCxml(app, `<cXML>${'x'.repeat(5 * 1024 * 1024)}</cXML>`)
    t.equal(res.statusCode, 413)
    t.equal(cxmlAnswer(res.body).code, 413)
  })
})

t.test('logs: request id, payloadID and session id on the lines of a punchout request; no secret ever', async (t) => {
  const { app, logs } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const res = await postCxml(app, setupRequest({ payloadID: 'logged-1@buyer' }))
  const startPath = new URL(cxmlAnswer(res.body).startPage!).pathname
  const start = await app.inject({ method: 'GET', url: startPath })
  await postCxml(app, setupRequest({ payloadID: 'logged-2@buyer', secret: 'wrong-secret-value' }))
  const lines = logs.map((l) => JSON.parse(l))
  const completed = lines.find((l) => l.msg === 'request completed' && l.payloadID === 'logged-1@buyer')
  t.ok(completed?.reqId, 'request id')
  t.ok(completed?.sessionId, 'session id')
  const refused = lines.find((l) => l.code === 'PG_ERR_AUTH_BAD_SECRET')
  t.equal(refused?.payloadID, 'logged-2@buyer')
  const all = logs.join('\n')
  const token = startPath.split('/').pop()!
  const assertion = new URL(start.headers.location as string).searchParams.get('assertion')!
  for (const secret of ['s3cret-shared', 'wrong-secret-value', token, assertion]) t.notOk(all.includes(secret), 'secret absent from logs')
})

t.test('C6 sql-like-values: values with semicolons, quotes and SQL are stored literally', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const name = "Müller; Hans'); drop table buyer_users;--"
  const res = await postCxml(app, setupRequest({ extrinsics: [['UniqueName', 'hm'], ['UserFullName', name], ['Role', 'a;b'], ['Role', 'c']] }))
  t.equal(cxmlAnswer(res.body).code, 200)
  const user = await db.orm.em.fork().findOneOrFail(BuyerUser, { uniqueName: 'hm' })
  t.equal(user.displayName, name)
})

t.test('an over-long payloadID and SelectedItem do not break the setup', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const payloadID = `${'p'.repeat(600)}@buyer`
  const body = setupRequest({ payloadID }).replace(
    '</PunchOutSetupRequest>',
    `<SelectedItem><ItemID><SupplierPartID>${'s'.repeat(300)}</SupplierPartID></ItemID></SelectedItem></PunchOutSetupRequest>`,
  )
  const res = await postCxml(app, body)
  t.equal(cxmlAnswer(res.body).code, 200, cxmlAnswer(res.body).detail)
  const session = await db.orm.em.fork().findOneOrFail(PunchoutSession, { payloadId: payloadID.slice(0, 400) })
  t.equal(session.selectedSku, null)
})

t.test('charsets: a windows-1252 document is decoded as declared and journaled byte for byte', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const xml = setupRequest({ payloadID: 'cp1252@buyer', extrinsics: [['UniqueName', 'juergen'], ['UserFullName', 'Jürgen Groß – 5 €']] })
    .replace('encoding="UTF-8"', 'encoding="windows-1252"')
  // windows-1252: ü=FC, ß=DF, –=96, €=80.
  const bytes = Buffer.from(xml.replace(/[–€]/g, (c) => (c === '€' ? '\u0080' : '\u0096')), 'latin1')
  const res = await postCxml(app, bytes, 'text/xml')
  t.equal(cxmlAnswer(res.body).code, 200, cxmlAnswer(res.body).detail)
  const em = db.orm.em.fork()
  t.equal((await em.findOneOrFail(BuyerUser, { uniqueName: 'juergen' })).displayName, 'Jürgen Groß – 5 €')
  const stored = Buffer.from((await em.findOneOrFail(JournalEntry, { payloadId: 'cp1252@buyer' })).requestBody!)
  t.ok(stored.includes(Buffer.from([0x4a, 0xfc, 0x72])), 'the raw windows-1252 bytes are kept')

  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(setupRequest({ extrinsics: [['UniqueName', 'utf16user']] }).replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le')])
  t.equal(cxmlAnswer((await postCxml(app, utf16, 'application/xml')).body).code, 200, 'UTF-16 with BOM')
})

t.test('a malformed document never echoes its SharedSecret (not in the answer, the journal or the logs)', async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  for (const secret of ['Welcome1<Acme2026', 'pass<a Secret>word']) {
    const res = await postCxml(app, setupRequest({ secret: 'PLACEHOLDER' }).replace('PLACEHOLDER', secret))
    t.equal(cxmlAnswer(res.body).code, 400)
    const tail = secret.split('<')[1]!
    t.notOk(res.body.includes(tail), 'not in the answer')
    t.notOk(logs.join('\n').includes(tail), 'not in the logs')
    const entries = await db.orm.em.fork().find(JournalEntry, {})
    t.notOk(entries.some((e) => e.responseBody?.includes(tail)), 'not in the journal')
  }
})

t.test('the journal never keeps a live start link, whatever Content-Length claims', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const res = await postCxml(app, setupRequest({ payloadID: 'masked@buyer' }))
  const token = cxmlAnswer(res.body).startPage!.split('/').pop()!
  const entry = await db.orm.em.fork().findOneOrFail(JournalEntry, { payloadId: 'masked@buyer' })
  t.notOk(entry.responseBody!.includes(token))
  t.match(entry.responseBody, /\/punchout\/start\/\*\*\*/)
  const start = await app.inject({ method: 'GET', url: `/punchout/start/${token}`, headers: { 'content-length': '3000000000' } })
  t.equal(start.statusCode, 302)
})

t.test('when the journal cannot be written, a cXML client gets a retryable cXML 503', async (t) => {
  const { app, db } = await buildTestApp(t)
  await db.orm.em.fork().execute('alter table journal_entries add constraint no_cxml check (channel <> \'cxml\')')
  const res = await postCxml(app, setupRequest())
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^text\/xml/)
  t.equal(cxmlAnswer(res.body).code, 503)
  t.equal(res.headers['retry-after'], '5')
})
