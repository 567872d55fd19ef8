import t from 'tap'
import { cxmlCredentialHint } from '../../src/protocols/cxml/credential-hint.ts'
import { ociCredentialHint } from '../../src/protocols/oci/credential-hint.ts'
import { setupRequest } from '../helpers/fixtures.ts'

const expected = { domain: 'networkid', identity: 'AN-BUYER-1', secret: 's3cret-shared' }

t.test('cXML: the Sender credential and its SharedSecret, read from the raw bytes', async (t) => {
  t.same(cxmlCredentialHint(Buffer.from(setupRequest())), expected)
  t.same(cxmlCredentialHint(Buffer.from(setupRequest({ sender: ['DUNS', 'SENDER-9'] }))), { domain: 'duns', identity: 'SENDER-9', secret: 's3cret-shared' })
})

t.test('cXML in UTF-16, with or without a byte-order mark, gives the same credential as UTF-8', async (t) => {
  const text = setupRequest().replace('encoding="UTF-8"', 'encoding="UTF-16"')
  const le = Buffer.from(text, 'utf16le')
  const be = Buffer.from(le).swap16()
  t.same(cxmlCredentialHint(le), expected, 'UTF-16LE without a BOM')
  t.same(cxmlCredentialHint(Buffer.concat([Buffer.from([0xff, 0xfe]), le])), expected, 'UTF-16LE with a BOM')
  t.same(cxmlCredentialHint(Buffer.concat([Buffer.from([0xfe, 0xff]), be])), expected, 'UTF-16BE with a BOM')
  t.same(cxmlCredentialHint(Buffer.concat([Buffer.from('\n ', 'utf16le'), le])), expected, 'UTF-16LE after white space')
})

t.test('cXML: without a Sender the first From credential counts; without either, none', async (t) => {
  const noSender = setupRequest().replace(/<Sender>[\s\S]*<\/Sender>/, '')
  t.same(cxmlCredentialHint(Buffer.from(noSender)), { domain: 'networkid', identity: 'AN-BUYER-1', secret: '' })
  t.equal(cxmlCredentialHint(Buffer.from('<cXML><Request/></cXML>')), undefined)
  t.equal(cxmlCredentialHint(Buffer.alloc(0)), undefined)
})

t.test('OCI: USERNAME and PASSWORD, names in any case, the form body winning over the query', async (t) => {
  t.same(ociCredentialHint('username=BUYER&Password=pw', undefined), { username: 'BUYER', password: 'pw' })
  t.same(ociCredentialHint('USERNAME=FROM-QUERY&PASSWORD=q', Buffer.from('USERNAME=FROM-BODY&PASSWORD=b')), { username: 'FROM-BODY', password: 'b' })
  t.same(ociCredentialHint('USERNAME=A&USERNAME=B', undefined), { username: 'A', password: '' }, 'the first occurrence, as the login parse reads it')
  t.equal(ociCredentialHint('HOOK_URL=x', undefined), undefined)
})
