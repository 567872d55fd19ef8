import t from 'tap'
import { JournalEntry, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { hostile, hostileCustomer } from './helpers.ts'

/** Hostile XML bounded before parsing, and before authentication (docs/cxml.md, "Hostile input"). */
const app = await buildTestApp(t)
await hostileCustomer(app.app)
const em = () => app.db.orm.em.fork()

t.test('F6 many-attributes-long-names: 50 000 attributes on one element are refused with a 400', async (t) => {
  const res = await postCxml(app.app, hostile('cxml-50000-attributes.xml.gz'))
  const answer = cxmlAnswer(res.body)
  t.equal(answer.code, 400)
  t.match(answer.detail, /more than 64 attributes/)
  t.equal(await em().count(PunchoutSession, { payloadId: 'attributes@hostile' }), 0, 'nothing persisted')
})

t.test('F6 many-attributes-long-names: a 1 MiB element name is refused with a 400', async (t) => {
  const answer = cxmlAnswer((await postCxml(app.app, hostile('cxml-1mib-element-name.xml.gz'))).body)
  t.equal(answer.code, 400)
  t.match(answer.detail, /longer than 256 characters/)
})

t.test('F6 many-attributes-long-names: a quoted value holding ">" and "=" neither ends the tag nor counts', async (t) => {
  const body = setupRequest({ from: [['NetworkID', 'AN-HOSTILE-1']], secret: 'hostile-SECRET-7f3a9c', extrinsics: [['UserEmail', 'jane@buyer.example.com'], ['Note', 'a=b>c'.repeat(100)]] })
  t.equal(cxmlAnswer((await postCxml(app.app, body)).body).code, 200)
})

t.test('F2 cart-100k-lines (before authentication): a 3.8 MB document from an unknown sender is refused on its Header', async (t) => {
  // Its Request is broken at the very end: a full parse would answer 400 malformed; the Header
  // alone answers 401, so the gateway never parsed past it.
  const res = await postCxml(app.app, hostile('cxml-3.8mb-unknown-sender-broken-request.xml.gz'))
  const answer = cxmlAnswer(res.body)
  t.equal(answer.code, 401)
  t.match(answer.detail, /PG_ERR_AUTH_BAD_SECRET/)
  const row = await em().findOneOrFail(JournalEntry, { payloadId: 'large-unknown@hostile' })
  t.equal(row.outcome, 'refused')
  t.ok(row.requestSize > 3_000_000, 'the size received is recorded')
  // The first 64 KiB, masked afterwards: "guess" became "***".
  t.equal(row.requestBody!.length, 64 * 1024 - 2, 'a stranger\'s document is journaled to its first 64 KiB only')
  t.notOk(Buffer.from(row.requestBody!).includes('guess'), 'and its SharedSecret is masked')
  t.match(Buffer.from(row.requestBody!).toString('utf8'), /^<\?xml[\s\S]*<Identity>/, 'the part support reads: who claimed to send it')
})

t.test('F2 cart-100k-lines (before authentication): a large document whose Header does not end in the first 64 KiB is refused', async (t) => {
  const answer = cxmlAnswer((await postCxml(app.app, hostile('cxml-header-after-64kib.xml.gz'))).body)
  t.equal(answer.code, 400)
  t.match(answer.detail, /Header must come first/)
})

t.test('A12 xml-duplicate-sender (large document): a second Header after the authenticated one is refused', async (t) => {
  const good = setupRequest({ from: [['NetworkID', 'AN-HOSTILE-1']], secret: 'hostile-SECRET-7f3a9c', payloadID: 'two-headers@hostile' })
  const second = '<Header><From><Credential domain="NetworkID"><Identity>AN-OTHER</Identity></Credential></From></Header>'
  const padded = good.replace('<Request', `${second}<!-- ${'p'.repeat(70 * 1024)} --><Request`)
  const answer = cxmlAnswer((await postCxml(app.app, padded)).body)
  t.equal(answer.code, 400)
  t.equal(await em().count(PunchoutSession, { payloadId: 'two-headers@hostile' }), 0)
})

t.test('a large, valid document from a known sender is still accepted', async (t) => {
  const body = setupRequest({ from: [['NetworkID', 'AN-HOSTILE-1']], secret: 'hostile-SECRET-7f3a9c', payloadID: 'large-valid@hostile' })
    .replace('<Request', `<!-- ${'p'.repeat(70 * 1024)} --><Request`)
  t.equal(cxmlAnswer((await postCxml(app.app, body)).body).code, 200)
})
