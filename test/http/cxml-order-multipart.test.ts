import { createHash } from 'node:crypto'
import t from 'tap'
import { JournalEntry, Order, OrderAttachment } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, adminHeaders, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { multipartRelated, orderRequest } from '../helpers/orders.ts'

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d, 0x80]), Buffer.from('\n%%EOF\n')])
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
/** The Status text with the markup escapes undone, as the buyer's team reads it. */
const detail = (body: string) => cxmlAnswer(body).detail.replace(/&lt;/g, '<').replace(/&gt;/g, '>')
const xmlPart = (xml: string, extra: Record<string, string> = {}) => ({ headers: { 'Content-Type': 'text/xml; charset=UTF-8', 'Content-ID': '<order@buyer>', ...extra }, body: xml })

t.test('OrderRequest as multipart/related with attachments', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const em = () => db.orm.em.fork()

  const order = orderRequest({ payloadID: 'mp-1@buyer', orderID: 'MP-1', attachmentUrls: ['cid:spec.pdf@buyer', 'cid:notes@buyer', 'delivery-note.pdf'] })
  const sent = multipartRelated([
    xmlPart(order),
    { headers: { 'Content-Type': 'application/pdf', 'Content-Transfer-Encoding': 'binary', 'Content-ID': '<spec.pdf@buyer>', 'Content-Disposition': 'attachment; filename="spec sheet.pdf"' }, body: PDF },
    { headers: { 'Content-Type': 'text/plain; name="notes.txt"', 'Content-Transfer-Encoding': 'base64', 'Content-ID': 'notes@buyer' }, body: Buffer.from('Leave at dock 4, ring twice.').toString('base64').replace(/(.{12})/g, '$1\r\n') },
  ])

  t.test('answered 200; both parts kept with the order, decoded, with size and SHA-256', async (t) => {
    const res = await postCxml(app, sent.body, sent.contentType)
    t.equal(cxmlAnswer(res.body).code, 200, cxmlAnswer(res.body).detail)
    const stored = await em().findOneOrFail(Order, { customerId: customer.id, payloadId: 'mp-1@buyer' })
    const files = await em().find(OrderAttachment, { orderId: stored.id }, { populate: ['content'], orderBy: { contentId: 'asc' } })
    t.match(files, [
      { contentId: 'notes@buyer', fileName: 'notes.txt', contentType: 'text/plain; name="notes.txt"', size: 28, sha256: sha256(Buffer.from('Leave at dock 4, ring twice.')) },
      { contentId: 'spec.pdf@buyer', fileName: 'spec sheet.pdf', contentType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) },
    ])
    t.same(Buffer.from(files[1]!.content), PDF, 'binary content byte for byte')
  })

  t.test('the journal keeps the cXML part (secret masked), not the attachments', async (t) => {
    const stored = await em().findOneOrFail(Order, { payloadId: 'mp-1@buyer' })
    const entry = await em().findOneOrFail(JournalEntry, { id: stored.journalEntryId! })
    const raw = Buffer.from(entry.requestBody!).toString('utf8')
    t.match(raw, /^<\?xml[\s\S]*<OrderRequest>[\s\S]*<\/cXML>$/)
    t.match(raw, /<SharedSecret>\*\*\*<\/SharedSecret>/)
    t.notMatch(raw, /%PDF/)
    t.match(entry.contentType, /^multipart\/related; boundary=/, 'the Content-Type as the request came')
  })

  t.test('listed in GET /api/orders/:id and downloadable as an attachment', async (t) => {
    const stored = await em().findOneOrFail(Order, { payloadId: 'mp-1@buyer' })
    const detail = (await app.inject({ method: 'GET', url: `/api/orders/${stored.id}`, headers: adminHeaders })).json()
    t.match(detail.attachments, [
      { contentId: 'notes@buyer', fileName: 'notes.txt', size: 28 },
      { contentId: 'spec.pdf@buyer', fileName: 'spec sheet.pdf', contentType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) },
    ])
    const pdf = detail.attachments[1]
    const res = await app.inject({ method: 'GET', url: `/api/orders/${stored.id}/attachments/${pdf.id}`, headers: adminHeaders })
    t.equal(res.statusCode, 200)
    t.same(res.rawPayload, PDF)
    t.equal(res.headers['content-type'], 'application/pdf')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['content-disposition'], `attachment; filename="spec_sheet.pdf"; filename*=UTF-8''spec%20sheet.pdf`)
    const text = await app.inject({ method: 'GET', url: `/api/orders/${stored.id}/attachments/${detail.attachments[0].id}`, headers: adminHeaders })
    t.equal(text.headers['content-type'], 'text/plain')
  })

  t.test('a download needs the read capability and the order\'s customer', async (t) => {
    const stored = await em().findOneOrFail(Order, { payloadId: 'mp-1@buyer' })
    const file = await em().findOneOrFail(OrderAttachment, { orderId: stored.id, contentId: 'spec.pdf@buyer' })
    const url = `/api/orders/${stored.id}/attachments/${file.id}`
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 401)
    const other = await createCustomer(app)
    const token = (await app.inject({ method: 'POST', url: '/api/tokens', headers: adminHeaders, payload: { name: 'other support', role: 'support', customerIds: [other.id] } })).json().token
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 404)
    t.notMatch(res.body, /%PDF/)
    const wrongOrder = await app.inject({ method: 'GET', url: `/api/orders/${other.id}/attachments/${file.id}`, headers: adminHeaders })
    t.equal(wrongOrder.statusCode, 404)
  })

  t.test('a repeat of the payloadID gets the same answer and stores no second copy', async (t) => {
    const res = await postCxml(app, sent.body, sent.contentType)
    t.equal(cxmlAnswer(res.body).code, 200)
    t.equal(await em().count(Order, { payloadId: 'mp-1@buyer' }), 1)
    t.equal(await em().count(OrderAttachment, {}), 2)
  })

  t.test('the start parameter names the root part, wherever it is', async (t) => {
    const { body, contentType } = multipartRelated([
      { headers: { 'Content-Type': 'image/png', 'Content-ID': '<logo@buyer>' }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
      xmlPart(orderRequest({ payloadID: 'mp-start@buyer', orderID: 'MP-START', attachmentUrls: ['cid:logo@buyer'] }), { 'Content-ID': '<root@buyer>' }),
    ], '; start="<root@buyer>"')
    const res = await postCxml(app, body, contentType)
    t.equal(cxmlAnswer(res.body).code, 200, cxmlAnswer(res.body).detail)
    const stored = await em().findOneOrFail(Order, { payloadId: 'mp-start@buyer' })
    t.match(await em().find(OrderAttachment, { orderId: stored.id }), [{ contentId: 'logo@buyer', contentType: 'image/png', size: 4 }])
  })

  t.test('a cid: reference without its part is a cXML 400 naming the Content-ID; nothing stored', async (t) => {
    const { body, contentType } = multipartRelated([xmlPart(orderRequest({ payloadID: 'mp-dangling@buyer', orderID: 'MP-DANGLING', attachmentUrls: ['cid:missing%40buyer'] }))])
    const res = await postCxml(app, body, contentType)
    t.equal(res.statusCode, 400)
    t.match(detail(res.body), /<missing@buyer>.*no part of the multipart\/related body has that Content-ID.*PG_ERR_ATTACHMENT_MISSING/)
    t.equal(await em().count(Order, { orderId: 'MP-DANGLING' }), 0)
    t.match(await em().findOneOrFail(JournalEntry, { payloadId: 'mp-dangling@buyer' }), { outcome: 'refused', errorCode: 'PG_ERR_ATTACHMENT_MISSING' })
  })

  t.test('a cid: reference in a text/xml order has no part either: the same 400', async (t) => {
    const res = await postCxml(app, orderRequest({ payloadID: 'mp-plain@buyer', orderID: 'MP-PLAIN', attachmentUrls: ['cid:spec@buyer'] }))
    t.equal(res.statusCode, 400)
    t.match(detail(res.body), /<spec@buyer>/)
  })

  t.test('a malformed multipart body is a 400 saying what is wrong, journaled as malformed', async (t) => {
    const cases: Array<[string, Buffer, string, RegExp]> = [
      ['no boundary', sent.body, 'multipart/related; type="text/xml"', /no boundary parameter/],
      ['no closing delimiter', sent.body.subarray(0, sent.body.length - 40), sent.contentType, /ends without its closing delimiter/],
      ['bad base64', multipartRelated([xmlPart(order), { headers: { 'Content-Transfer-Encoding': 'base64', 'Content-ID': '<x>' }, body: '!!not base64!!' }]).body, sent.contentType, /declared base64/],
      ['unknown encoding', multipartRelated([xmlPart(order), { headers: { 'Content-Transfer-Encoding': 'x-uuencode' }, body: 'abc' }]).body, sent.contentType, /Content-Transfer-Encoding "x-uuencode"/],
      ['root not XML', multipartRelated([{ headers: { 'Content-Type': 'application/pdf' }, body: PDF }]).body, sent.contentType, /root part .* is application\/pdf/],
      ['start names no part', sent.body, `${sent.contentType}; start="<nowhere@buyer>"`, /start parameter names Content-ID <nowhere@buyer>/],
    ]
    for (const [name, body, contentType, text] of cases) {
      const res = await postCxml(app, body, contentType)
      t.equal(res.statusCode, 400, name)
      t.match(detail(res.body), text, name)
      t.match(cxmlAnswer(res.body).detail, /PG_ERR_MULTIPART_INVALID/, name)
    }
    const entries = await em().find(JournalEntry, { errorCode: 'PG_ERR_MULTIPART_INVALID' })
    t.equal(entries.length, cases.length)
    t.ok(entries.every((e) => e.outcome === 'malformed'))
  })

  t.test('more parts than allowed are refused', async (t) => {
    const many = Array.from({ length: 50 }, (_, i) => ({ headers: { 'Content-ID': `<p${i}>` }, body: 'x' }))
    const { body, contentType } = multipartRelated([xmlPart(order), ...many])
    const res = await postCxml(app, body, contentType)
    t.equal(res.statusCode, 400)
    t.match(cxmlAnswer(res.body).detail, /more than 50 parts/)
  })

  t.test('a setup request in multipart keeps a clear 415; other endpoints refuse multipart', async (t) => {
    const { body, contentType } = multipartRelated([xmlPart(setupRequest({}))])
    const res = await postCxml(app, body, contentType)
    t.equal(res.statusCode, 415)
    t.match(cxmlAnswer(res.body).detail, /accepted for OrderRequest only; send the PunchOutSetupRequest as text\/xml/)
    const oci = await app.inject({ method: 'POST', url: '/punchout/oci', headers: { 'content-type': contentType }, payload: body })
    t.equal(oci.statusCode, 415)
  })
})
