import t from 'tap'
import { redactSecrets } from '../../../src/protocols/cxml/redact.ts'
import { fixture } from './helpers.ts'

/** The template's ⟦secret⟧ spans: raw bytes keep them (markers removed), expected bytes have `***`. */
const masked = (template: string, encoding: BufferEncoding = 'latin1'): { raw: Buffer; expected: Buffer } => ({
  raw: Buffer.from(template.replace(/[⟦⟧]/g, ''), encoding),
  expected: Buffer.from(template.replace(/⟦[\s\S]*?⟧/g, '***'), encoding),
})

t.test('secrets are masked, every other byte is identical', async (t) => {
  const cases: Array<[string, string]> = [
    ['plain', '<Sender><Credential domain="NetworkID"><Identity>AN01</Identity><SharedSecret>⟦s3cr3t⟧</SharedSecret></Credential></Sender>'],
    ['multiline with padding', '<SharedSecret>⟦\n    multi\r\n   line \t⟧</SharedSecret>\n<Other>keep</Other>'],
    ['CDATA inside', '<SharedSecret>⟦<![CDATA[abc]]>def⟧</SharedSecret>'],
    ['comment split', '<SharedSecret>⟦ab<!-- x -->cd⟧</SharedSecret>'],
    ['fake close tag inside a comment', '<SharedSecret>⟦ab<!-- </SharedSecret> -->cd⟧</SharedSecret>'],
    ['namespace prefix and attributes', '<c:SharedSecret xmlns:c="urn:x" a="1">⟦pw⟧</c:SharedSecret >'],
    ['whitespace variants', '< SharedSecret >⟦pw⟧< / SharedSecret >'],
    ['case variant', '<sharedsecret>⟦pw⟧</SHAREDSECRET>'],
    ['two credentials', '<SharedSecret>⟦one⟧</SharedSecret><x/><SharedSecret>⟦two⟧</SharedSecret>'],
    ['CredentialMac', '<CredentialMac type="FromSenderCredentials" algorithm="HMAC-SHA1-96" creationDate="x" expirationDate="y">⟦Zm9vYmFy⟧</CredentialMac>'],
    ['element content', '<SharedSecret>⟦a<b>c</b>d⟧</SharedSecret>'],
    ['truncated body', '<Identity>x</Identity><SharedSecret>⟦half-a-secr⟧'],
    ['unclosed, then other markup', '<SharedSecret>⟦pw⟧</Credential><UserAgent>ua</UserAgent>'],
    ['empty and self-closing', '<SharedSecret>⟦⟧</SharedSecret><SharedSecret/><SharedSecret />'],
    ['look-alike element untouched', '<SharedSecretHint>keep</SharedSecretHint><MySharedSecret>keep</MySharedSecret>'],
  ]
  for (const [name, template] of cases) {
    const { raw, expected } = masked(template)
    t.same(redactSecrets(raw), expected, name)
  }
})

t.test('corpus documents: secret gone, everything else byte-identical', async (t) => {
  for (const [file, secret] of [
    ['coupa-setup-create-extrinsics-rubytime-timestamp.xml', 'test'],
    ['iesa-setup-create-minimal-whitespace-urls.xml', '{shared secret in here}'],
    ['globalindustrial-poom-edit-single-item.xml', 'ariba1234'],
    ['generic-shipnotice-fulfill-dtd.xml', 'abracadabra'], // raw U+2019 elsewhere in the body
  ] as const) {
    const raw = fixture(file)
    const out = redactSecrets(raw)
    t.notOk(out.includes(`>${secret}<`), `${file}: secret gone`)
    t.same(out, Buffer.from(raw.toString('latin1').replace(`>${secret}<`, '>***<'), 'latin1'), `${file}: other bytes identical`)
  }
})

t.test('non-UTF-8 bodies', async (t) => {
  const latin1 = masked('<?xml version="1.0" encoding="ISO-8859-1"?><Name>Müller €</Name><SharedSecret>⟦pässwört⟧</SharedSecret><x>\xff\x80</x>')
  t.same(redactSecrets(latin1.raw), latin1.expected, 'latin1 bytes preserved')
  const utf8 = masked('<Name>Grüße 😀</Name><SharedSecret>⟦geheim€⟧</SharedSecret>', 'utf8')
  t.same(redactSecrets(utf8.raw), utf8.expected, 'UTF-8 multibyte preserved')

  const text = '<?xml version="1.0" encoding="UTF-16"?><Name>Grüße</Name><SharedSecret>⟦pw😀⟧</SharedSecret>'
  const le = masked(text, 'utf16le')
  const bom = Buffer.from([0xff, 0xfe])
  t.same(redactSecrets(Buffer.concat([bom, le.raw])), Buffer.concat([bom, le.expected]), 'UTF-16LE with BOM')
  const be = (b: Buffer) => Buffer.from(b).swap16()
  t.same(redactSecrets(Buffer.concat([Buffer.from([0xfe, 0xff]), be(le.raw)])), Buffer.concat([Buffer.from([0xfe, 0xff]), be(le.expected)]), 'UTF-16BE with BOM')
  t.same(redactSecrets(be(le.raw)), be(le.expected), 'UTF-16BE without BOM')
  const odd = Buffer.concat([bom, le.raw, Buffer.from([0x41])])
  t.same(redactSecrets(odd), Buffer.concat([bom, le.expected, Buffer.from([0x41])]), 'odd trailing byte kept')
})

t.test('input is not modified and large hostile inputs stay fast', async (t) => {
  const raw = Buffer.from('<SharedSecret>pw</SharedSecret>')
  const copy = Buffer.from(raw)
  redactSecrets(raw)
  t.same(raw, copy, 'input buffer untouched')
  const many = Buffer.from('<SharedSecret>x'.repeat(200_000))
  const started = Date.now()
  const out = redactSecrets(many).toString('latin1')
  t.ok(Date.now() - started < 2000, 'unclosed secrets do not go quadratic')
  t.notMatch(out, /<SharedSecret>x/, 'all masked')
})
