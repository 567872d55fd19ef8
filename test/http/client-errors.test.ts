import t from 'tap'
import { connect } from 'node:net'
import { buildTestApp } from '../helpers/app.ts'
import { adminHeaders } from '../helpers/fixtures.ts'

/**
 * Requests Node's HTTP parser refuses before any route sees them (docs/operations.md, "Logs and
 * the journal"): each is answered with a stable code in JSON, journaled on channel `http`
 * before the answer leaves, and its connection closed.
 */
const app = await buildTestApp(t)
const address = await app.app.listen({ port: 0, host: '127.0.0.1' })
const port = Number(new URL(address).port)

/** Sends raw bytes and returns everything the gateway wrote until it closed the connection. */
const exchange = (bytes: string): Promise<string> => new Promise((resolve, reject) => {
  const socket = connect(port, '127.0.0.1', () => socket.write(bytes))
  let received = ''
  socket.on('data', (chunk) => (received += String(chunk)))
  socket.on('end', () => resolve(received))
  socket.on('error', reject)
})

/** The status line and the JSON body of a raw answer. */
function answer(raw: string): { status: string; headers: string; body: { code: string; message: string; reference: string } } {
  const [head, body] = raw.split('\r\n\r\n')
  return { status: head!.split('\r\n')[0]!, headers: head!, body: JSON.parse(body!) }
}

/** The journal row behind a reference, as support reads it (GET /api/requests/:id). */
async function journaled(reference: string) {
  const list = await app.app.inject({ method: 'GET', url: `/api/requests?channel=http&requestId=${reference}`, headers: adminHeaders })
  const items = list.json().items as Array<{ id: string }>
  if (items.length !== 1) return { count: items.length }
  const detail = await app.app.inject({ method: 'GET', url: `/api/requests/${items[0]!.id}`, headers: adminHeaders })
  return { count: 1, ...detail.json() }
}

t.test('a malformed request line is answered 400 PG_ERR_BAD_HTTP_REQUEST and journaled without a request line', async (t) => {
  const res = answer(await exchange('GARBAGE\r\n\r\n'))
  t.equal(res.status, 'HTTP/1.1 400 Bad Request')
  t.match(res.headers, /\r\nConnection: close(\r\n|$)/)
  t.equal(res.body.code, 'PG_ERR_BAD_HTTP_REQUEST')
  t.match(await journaled(res.body.reference), {
    count: 1, channel: 'http', method: '-', path: '-', httpStatus: 400, outcome: 'malformed', error: { code: 'PG_ERR_BAD_HTTP_REQUEST' },
    requestBody: null, requestSize: 0, remoteIp: '127.0.0.1', responseBody: JSON.stringify(res.body),
  })
})

t.test('an invalid header is answered 400 and journaled with the method and path of its request line', async (t) => {
  const res = answer(await exchange('GET /healthz HTTP/1.1\r\nHost: gateway.test\r\nBad Header: x\r\n\r\n'))
  t.equal(res.status, 'HTTP/1.1 400 Bad Request')
  t.match(await journaled(res.body.reference), { count: 1, method: 'GET', path: '/healthz', httpStatus: 400, error: { code: 'PG_ERR_BAD_HTTP_REQUEST' } })
})

t.test('headers over the size limit are answered 431 PG_ERR_HEADERS_TOO_LARGE and journaled with no secret of the request', async (t) => {
  const res = answer(await exchange(`GET /punchout/oci?USERNAME=OCI-USER&PASSWORD=oci-password-1 HTTP/1.1\r\nHost: gateway.test\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`))
  t.equal(res.status, 'HTTP/1.1 431 Request Header Fields Too Large')
  t.equal(res.body.code, 'PG_ERR_HEADERS_TOO_LARGE')
  const row = await journaled(res.body.reference)
  t.match(row, { count: 1, channel: 'http', method: 'GET', path: '/punchout/oci?USERNAME=OCI-USER&PASSWORD=***', httpStatus: 431, outcome: 'refused', requestBody: null })
  t.notMatch(JSON.stringify(row), 'oci-password-1', 'the password is nowhere in the row')
})

t.test('a request line over the size limit is answered 431 and journaled without its path', async (t) => {
  const res = answer(await exchange(`GET /punchout/oci?PASSWORD=oci-password-1&x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: gateway.test\r\n\r\n`))
  t.equal(res.status, 'HTTP/1.1 431 Request Header Fields Too Large')
  t.match(await journaled(res.body.reference), { count: 1, method: '-', path: '-', httpStatus: 431 })
})

t.test('bytes after an answered request wait for its answer, then are answered 400 and journaled', async (t) => {
  const raw = await exchange('GET /healthz HTTP/1.1\r\nHost: gateway.test\r\n\r\nNOT HTTP\r\n\r\n')
  const [first, second] = raw.split(/(?<=\})(?=HTTP\/1\.1 )/)
  t.match(first, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"status":"ok"\}$/, 'the request before them is answered in full first')
  const res = answer(second!)
  t.equal(res.status, 'HTTP/1.1 400 Bad Request')
  t.match(await journaled(res.body.reference), { count: 1, method: '-', path: '-', error: { code: 'PG_ERR_BAD_HTTP_REQUEST' } })
})

t.test('a body the parser refuses (a broken chunk) is answered 400 at once and left to its route to journal', async (t) => {
  const res = answer(await exchange('POST /punchout/cxml HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<cXML\r\nZZ\r\n'))
  t.equal(res.status, 'HTTP/1.1 400 Bad Request')
  t.equal(res.body.code, 'PG_ERR_BAD_HTTP_REQUEST')
  t.match(await journaled(res.body.reference), { count: 0 }, 'no row on channel http besides the route\'s own')
})

t.test('when the journal cannot be written, the refusal becomes a retryable 503 and the connection is still closed', async (t) => {
  const sql = (text: string) => app.db.orm.em.fork().getConnection().execute(text)
  await sql(`alter table journal_entries add constraint client_errors_test check (channel <> 'http') not valid`)
  t.teardown(() => sql('alter table journal_entries drop constraint client_errors_test'))
  const res = answer(await exchange('GARBAGE\r\n\r\n'))
  t.equal(res.status, 'HTTP/1.1 503 Service Unavailable')
  t.match(res.headers, /\r\nRetry-After: 5\r\n/)
  t.equal(res.body.code, 'PG_ERR_UNAVAILABLE')
  t.match(await journaled(res.body.reference), { count: 0 })
})
