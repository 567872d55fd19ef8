import t from 'tap'
import { JournalEntry } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { HOSTILE_CXML, HOSTILE_OCI, hostile, hostileCustomer } from './helpers.ts'

/**
 * security plan H1 `no-secret-in-logs` and B16 `oci-bad-password`: the journal's masking reads
 * the bytes exactly as the parser does (docs/operations.md, "Logs and the journal").
 */
const app = await buildTestApp(t)
await hostileCustomer(app.app)
const em = () => app.db.orm.em.fork()

/** Every encoding a secret could be stored in, searched in the journal row and the logs. */
function leaks(row: JournalEntry, secret: string): boolean {
  const body = Buffer.from(row.requestBody ?? [])
  const be = Buffer.from(secret, 'utf16le').swap16()
  return [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le'), be].some((b) => body.includes(b)) ||
    app.logs.some((l) => l.includes(secret))
}

const journalOf = (payloadId: string) => em().findOneOrFail(JournalEntry, { payloadId })

t.test('H1 no-secret-in-logs: UTF-16LE without a byte-order mark, charset only in the Content-Type, a newline first', async (t) => {
  const res = await postCxml(app.app, hostile('cxml-utf16le-no-bom-leading-newline.xml'), 'text/xml; charset=utf-16le')
  t.equal(cxmlAnswer(res.body).code, 200, 'parsed and authenticated')
  const row = await journalOf('utf16le@hostile')
  t.notOk(leaks(row, HOSTILE_CXML.secret), 'the SharedSecret is masked')
  t.ok(Buffer.from(row.requestBody!).includes(Buffer.from('***', 'utf16le')), 'masked in the body\'s own encoding')
})

t.test('H1 no-secret-in-logs: UTF-16 (big-endian) without a byte-order mark, a space first', async (t) => {
  const res = await postCxml(app.app, hostile('cxml-utf16be-no-bom-leading-space.xml'), 'text/xml; charset=utf-16')
  t.equal(cxmlAnswer(res.body).code, 200, 'parsed and authenticated')
  t.notOk(leaks(await journalOf('utf16be@hostile'), HOSTILE_CXML.secret))
})

t.test('H1 no-secret-in-logs: a stranger\'s large document is cut to 64 KiB before masking, and a secret the cut splits is still masked', async (t) => {
  const secret = 'STRADDLING-secret-0123456789'
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="straddle@hostile" timestamp="2026-11-23T10:00:00-05:00"><Header><From><Credential domain="NetworkID"><Identity>AN-NOBODY</Identity></Credential></From>
<To><Credential domain="DUNS"><Identity>1</Identity></Credential></To><!-- `
  const tail = ` --><Sender><Credential domain="NetworkID"><Identity>AN-NOBODY</Identity><SharedSecret>`
  // The secret starts 10 bytes before the journal's 64 KiB cut and ends after it.
  const padding = 'x'.repeat(64 * 1024 - 10 - head.length - tail.length)
  const body = `${head}${padding}${tail}${secret}</SharedSecret></Credential><UserAgent>u</UserAgent></Sender></Header>
<Request><ProfileRequest/></Request>${'<!-- filler -->'.repeat(100)}</cXML>`
  const res = await postCxml(app.app, body)
  t.equal(cxmlAnswer(res.body).code, 400, 'its Header ends after 64 KiB: refused before authentication')
  // Refused before its payloadID was read: found by its size.
  const row = await em().findOneOrFail(JournalEntry, { requestSize: Buffer.byteLength(body) })
  t.equal(row.customerId, null)
  t.notOk(leaks(row, secret.slice(0, 10)), 'the part of the secret before the cut is not kept')
  t.ok(Buffer.from(row.requestBody!).toString('latin1').endsWith('<SharedSecret>***'), 'it is masked up to the cut')
})

t.test('H1 no-secret-in-logs: a body in a charset the gateway does not read is not kept', async (t) => {
  const body = Buffer.from(`<?xml version="1.0" encoding="UTF-32"?><cXML payloadID="utf32@hostile"><SharedSecret>${HOSTILE_CXML.secret}</SharedSecret></cXML>`, 'utf8')
  const res = await postCxml(app.app, body, 'text/xml')
  t.equal(cxmlAnswer(res.body).code, 400)
  const rows = await em().find(JournalEntry, { channel: 'cxml', errorCode: 'PG_ERR_CXML_ENCODING' })
  t.equal(rows.length, 1)
  t.match(Buffer.from(rows[0]!.requestBody!).toString('utf8'), /not kept/)
})

const ociPost = (body: Buffer) =>
  app.app.inject({ method: 'POST', url: '/punchout/oci', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body })
const lastOciRow = async () => (await em().find(JournalEntry, { channel: 'oci' }, { orderBy: { at: 'desc', id: 'desc' }, limit: 1 }))[0]!

for (const name of ['oci-password-eszett.form', 'oci-password-long-s.form']) {
  t.test(`B16 oci-bad-password: a field name that only Unicode case folding turns into PASSWORD is no password (${name})`, async (t) => {
    const res = await ociPost(hostile(name))
    t.equal(res.statusCode, 401, 'the right password under that name does not sign in')
    t.notOk(app.logs.some((l) => l.includes(HOSTILE_OCI.password)))
  })
}

t.test('B16 oci-bad-password: the part of a password after a raw line feed is masked too', async (t) => {
  const res = await ociPost(hostile('oci-password-line-feed.form'))
  t.equal(res.statusCode, 401)
  const body = Buffer.from((await lastOciRow()).requestBody!).toString('utf8')
  t.notMatch(body, /wrong-part-one|HIDDEN-PART-TWO-SECRET/)
  t.match(body, /PASSWORD=\*\*\*&HOOK_URL=/)
})

t.test('B16 oci-bad-password: a form in a charset the gateway does not read is not kept', async (t) => {
  const res = await app.app.inject({
    method: 'POST', url: '/punchout/oci', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-16le' },
    payload: Buffer.from(`USERNAME=${HOSTILE_OCI.username}&PASSWORD=${HOSTILE_OCI.password}`, 'utf16le'),
  })
  t.equal(res.statusCode, 400)
  t.match(Buffer.from((await lastOciRow()).requestBody!).toString('utf8'), /not kept/)
})
