import t from 'tap'
import { createSigner } from 'fast-jwt'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { JournalEntry, Order, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp, PUBLIC_URL } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'

/**
 * Security plan scenarios (docs/security.md) that no other test file proves through the public
 * surface: no fetch of anything a document names, identities split by markup, a changed document
 * under a known payloadID, and log lines forged through request values.
 */
const app = await buildTestApp(t)
const customer = await createCustomer(app.app)
await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'acme', sharedSecret: 'acme-secret' })
await addCredential(app.app, customer.id, { protocol: 'oci', username: 'OCI-USER', password: 'oci-password-1' })
const em = () => app.db.orm.em.fork()

/** A loopback server that counts every request made to it: a document must never make one. */
const loopback = createServer((_req, res) => {
  hits++
  res.end('<!ENTITY leak "fetched">')
})
let hits = 0
await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve))
t.teardown(() => new Promise<void>((resolve) => loopback.close(() => resolve())))
const here = `http://127.0.0.1:${(loopback.address() as AddressInfo).port}`

t.test('A4 xml-xxe-ssrf: external and parameter entities pointing at a server are refused, never fetched', async (t) => {
  const docs = [
    `<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY x SYSTEM "${here}/latest/meta-data/">]><cXML payloadID="ssrf-1" timestamp="t">&x;</cXML>`,
    `<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY % p SYSTEM "${here}/evil.dtd"> %p;]><cXML payloadID="ssrf-2" timestamp="t"/>`,
    setupRequest().replace(/<!DOCTYPE[^>]*>/, `<!DOCTYPE cXML SYSTEM "${here}/cXML.dtd" [<!ENTITY x SYSTEM "${here}/x">]>`),
  ]
  for (const doc of docs) {
    const res = await postCxml(app.app, doc)
    t.equal(cxmlAnswer(res.body).code, 400)
  }
  t.equal(hits, 0, 'the loopback server saw no request')
  t.equal(await em().count(PunchoutSession, {}), 0, 'nothing persisted')
})

t.test('A5 xml-dtd-url-not-fetched: a valid document whose DOCTYPE names a server succeeds without fetching it', async (t) => {
  const doc = setupRequest({ payloadID: 'dtd-url@buyer' }).replace(/SYSTEM "[^"]*"/, `SYSTEM "${here}/schemas/cXML/1.2.014/cXML.dtd"`)
  const res = await postCxml(app.app, doc)
  t.equal(cxmlAnswer(res.body).code, 200)
  t.equal(hits, 0, 'the loopback server saw no request')
})

t.test('A11 xml-comment-split-identity: the identity compared is the whole text, markup removed', async (t) => {
  const split = setupRequest({ from: [['NetworkID', 'acme']], secret: 'acme-secret' }).replaceAll('<Identity>acme</Identity>', '<Identity>acme<!---->-evil</Identity>')
  const refused = await postCxml(app.app, split)
  t.equal(cxmlAnswer(refused.body).code, 401, '"acme-evil" is no customer; it never matches "acme"')
  const cdata = setupRequest({ from: [['NetworkID', 'acme']], secret: 'acme-secret' }).replace('<SharedSecret>acme-secret</SharedSecret>', '<SharedSecret>acme-<![CDATA[sec]]><!-- -->ret</SharedSecret>')
  t.equal(cxmlAnswer((await postCxml(app.app, cdata)).body).code, 200, 'a secret split by CDATA and a comment is its concatenation')
})

t.test('A8 xml-numeric-ref-flood: 1 MB of character references is answered, never with a 5xx', async (t) => {
  const flood = setupRequest({ payloadID: 'flood@buyer', extrinsics: [['UniqueName', 'flood'], ['Notes', 'x']] }).replace('>x</Extrinsic>', `>${'&#65;'.repeat(200_000)}</Extrinsic>`)
  const res = await postCxml(app.app, flood)
  t.ok([200, 400].includes(cxmlAnswer(res.body).code), `cXML ${cxmlAnswer(res.body).code}`)
  t.equal((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('B5 replay-payloadid-different-body: another order under a known payloadID is a 409 and changes nothing; the same order again is a repeat', async (t) => {
  const order = (o: { total: string; timestamp?: string; lines?: Array<{ sku: string; quantity: string; unitPrice: string }> }) =>
    postCxml(app.app, orderRequest({ payloadID: 'po-b5@buyer', orderID: 'PO-B5', ...o }))
  const first = await order({ total: '7.00' })
  t.equal(cxmlAnswer(first.body).code, 200)
  const changed = await order({ total: '999.00', lines: [{ sku: 'A-1', quantity: '2', unitPrice: '499.50' }] })
  t.equal(changed.statusCode, 409)
  t.match(cxmlAnswer(changed.body), { code: 409, detail: /payloadID po-b5@buyer was already received with a different order \(orderID PO-B5\)[\s\S]*PG_ERR_ORDER_CONFLICT/ })
  const orders = await em().find(Order, { payloadId: 'po-b5@buyer' })
  t.equal(orders.length, 1)
  t.equal(orders[0]!.total, '7.0000', 'the original order is untouched')
  const resent = await order({ total: '7.00', timestamp: '2026-11-23T11:00:00+00:00' })
  t.same(cxmlAnswer(resent.body), cxmlAnswer(first.body), 'the same order with a new timestamp gets the stored answer')
})

t.test('B14 jwt-kid-unknown-or-jku: an assertion naming its own key by jku/x5u is refused, and the URL is never fetched', async (t) => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const now = Math.floor(app.clock.now.getTime() / 1000)
  const claims = { iss: PUBLIC_URL, aud: app.deps.config.storefrontAudience, sub: 'u1', sid: randomUUID(), iat: now, exp: now + 60 }
  const { kid } = await app.deps.keys.signingKey()
  for (const header of [{ alg: 'ES256', kid: 'attacker', jku: `${here}/jwks.json` }, { alg: 'ES256', kid, jku: `${here}/jwks.json`, x5u: `${here}/cert.pem` }]) {
    const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256', header })
    const res = await app.app.inject({ method: 'GET', url: `/shop/login?assertion=${sign({ ...claims, jti: randomUUID() })}` })
    t.equal(res.statusCode, 401, JSON.stringify(header))
  }
  t.equal(hits, 0, 'the loopback server saw no request')
})

t.test('C3 log-injection-crlf: CR/LF and a forged JSON line in request values never make a log line of their own', async (t) => {
  const forged = '\r\n{"level":60,"msg":"forged-by-request"}\r\n'
  const before = app.logs.length
  await postCxml(app.app, setupRequest({ payloadID: `crlf${forged}@buyer`, extrinsics: [['UserEmail', `eve@buyer.example.com${forged}`], ['UniqueName', `eve${forged}`]] }))
  await app.app.inject({ method: 'GET', url: `/punchout/oci?USERNAME=${encodeURIComponent(`OCI-USER${forged}`)}&PASSWORD=x&HOOK_URL=https://buyer.example.com/punchout/return` })
  await app.app.inject({ method: 'GET', url: `/punchout/start/${encodeURIComponent(forged)}` })
  const lines = app.logs.slice(before)
  t.ok(lines.length > 0)
  for (const line of lines) {
    const entry = JSON.parse(line) as { level: number; msg?: string }
    t.not(entry.msg, 'forged-by-request', line)
    t.ok(entry.level < 60, 'no fatal line')
  }
  t.ok(await em().count(JournalEntry, { channel: 'oci' }) > 0, 'the OCI call was journaled all the same')
  t.equal((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('C4 header-injection: a return URL carrying CR/LF and a header is refused, and no header is made of it', async (t) => {
  for (const url of ['https://buyer.example.com/punchout/return\r\nSet-Cookie: injected=1', 'https://buyer.example.com\nSet-Cookie: injected=1/punchout/return']) {
    const res = await postCxml(app.app, setupRequest({ browserFormPost: url }))
    t.equal(cxmlAnswer(res.body).code, 403, JSON.stringify(url))
    t.notOk(JSON.stringify(res.headers).includes('injected'), 'no header carries it')
  }
})

t.test('C5 request-id-spoof: a request-id header is ignored; the gateway names its requests itself', async (t) => {
  const spoofed = '../../x\r\n'
  const res = await postCxml(app.app, setupRequest({ payloadID: 'spoofed-id@buyer' }))
  const own = await app.app.inject({ method: 'POST', url: '/punchout/cxml', headers: { 'content-type': 'text/xml; charset=utf-8', 'request-id': spoofed.trim(), 'x-request-id': spoofed.trim() }, payload: setupRequest({ payloadID: 'spoofed-id-2@buyer' }) })
  t.equal(cxmlAnswer(res.body).code, 200)
  t.equal(cxmlAnswer(own.body).code, 200)
  const entry = await em().findOneOrFail(JournalEntry, { payloadId: 'spoofed-id-2@buyer' })
  t.match(entry.requestId, /^[0-9a-f-]{36}$/)
  t.notOk(app.logs.some((line) => line.includes('../../x')), 'never in a log line')
})

t.test('H3 error-bodies: no stack trace, SQL, file path or library version in any 4xx answer', async (t) => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  const answers = [
    await postCxml(app.app, 'not xml'),
    await postCxml(app.app, setupRequest({ secret: 'wrong' })),
    await postCxml(app.app, `<cXML>${'x'.repeat(5 * 1024 * 1024)}</cXML>`),
    await app.app.inject({ method: 'POST', url: '/punchout/cxml', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{}}' }),
    await app.app.inject({ method: 'GET', url: '/punchout/oci?USERNAME=OCI-USER&PASSWORD=wrong' }),
    await app.app.inject({ method: 'POST', url: '/punchout/oci', headers: form, payload: '%%%' }),
    await app.app.inject({ method: 'GET', url: `/punchout/start/${'a'.repeat(300)}` }),
    await app.app.inject({ method: 'GET', url: '/shop/login?assertion=a.b.c' }),
    await app.app.inject({ method: 'GET', url: '/api/customers/not-a-uuid', headers: { authorization: 'Bearer nope' } }),
    await app.app.inject({ method: 'POST', url: '/api/customers', headers: { 'content-type': 'application/json' }, payload: '{"name":' }),
    await app.app.inject({ method: 'POST', url: '/punchout/sessions/00000000-0000-0000-0000-000000000000/cart', payload: { items: [] } }),
    await app.app.inject({ method: 'GET', url: '/no/such/route' }),
  ]
  for (const res of answers) {
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}`)
    t.notMatch(res.body, /\bat \S+ \(|node_modules|\/work\/|\bsrc\/\S+\.ts|\.ts:\d+/, 'no stack or file path')
    t.notMatch(res.body, /\bselect\b[^<]{0,200}\bfrom\b|\binsert into\b|\bSQLSTATE\b/i, 'no SQL')
    t.notMatch(res.body, /(fastify|node|pglite|mikro-?orm|postgres(ql)?|fast-xml-parser)[ @/]v?\d+\.\d+/i, 'no library version')
  }
})

t.test('F1 body-too-large: an oversized body is journaled without it; a Content-Length smaller than the body is read as announced, the bytes after it refused and journaled', async (t) => {
  const big = await app.app.inject({ method: 'POST', url: '/punchout/cxml', headers: { 'content-type': 'text/xml' }, payload: `<cXML payloadID="f1-big@hostile">${'x'.repeat(5 * 1024 * 1024)}</cXML>` })
  t.equal(big.statusCode, 413)
  const [bigRow] = await em().find(JournalEntry, { httpStatus: 413, path: '/punchout/cxml' }, { orderBy: { id: 'desc' }, limit: 1 })
  t.ok(bigRow, 'journaled')
  t.ok(!bigRow!.requestBody || bigRow!.requestBody.length <= 64 * 1024, 'no body beyond the limit is stored')

  const address = await app.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = new URL(address)
  const document = setupRequest({ payloadID: 'f1-lying-length@hostile' })
  const announced = 200
  const answers = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST /punchout/cxml HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: text/xml\r\nContent-Length: ${announced}\r\n\r\n`)
      socket.write(document)
    })
    let received = ''
    socket.on('data', (chunk) => (received += String(chunk)))
    socket.on('end', () => resolve(received))
    socket.on('error', reject)
  })
  // The bytes past the announced length are no HTTP request: once the request's own answer has
  // left, they are answered 400 and the connection closed.
  t.match(answers, /^HTTP\/1\.1 400 [\s\S]*PG_ERR_CXML_MALFORMED[\s\S]*HTTP\/1\.1 400 [\s\S]*"code":"PG_ERR_BAD_HTTP_REQUEST"/)
  const reference = /"reference":"([^"]+)"/.exec(answers)![1]
  t.equal(await em().count(JournalEntry, { channel: 'http', requestId: reference, httpStatus: 400, requestBody: null }), 1, 'the bytes after it are journaled as one refused request, none of them kept')
  t.notMatch(answers, /HTTP\/1\.1 [25]\d\d /, 'never a 200 nor a 5xx')
  const rows = await em().find(JournalEntry, { path: '/punchout/cxml', payloadId: null, requestSize: announced })
  t.equal(rows.length, 1, 'the announced bytes are journaled as one (truncated, malformed) request')
  t.match(rows[0], { outcome: 'malformed', httpStatus: 400 })
  t.equal(rows[0]!.requestBody!.length, announced, 'no byte beyond the announced length is stored')
  t.notOk(await em().count(PunchoutSession, { payloadId: 'f1-lying-length@hostile' }), 'nothing persisted')
  t.equal((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})
