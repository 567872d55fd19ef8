/**
 * The hostile half of `--soak-hostile`: every file of fixtures/hostile/ that is a request body
 * (`*.xml`, `*.xml.gz` to the cXML endpoint, `*.form` to the OCI login), and the attacks of
 * docs/cxml.md "Hostile input" built here: XXE, entity bombs, deep nesting, a body over the cXML
 * limit, a wrong encoding, and a large document from an unknown identity (work before the
 * credential is known). Each is one request autocannon repeats.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { REPO } from './processes.ts'

export interface HostileInput {
  name: string
  method: 'POST'
  path: string
  contentType: string
  body: Buffer
}

const CXML = '/punchout/cxml'
const OCI = '/punchout/oci'
const XML = 'text/xml; charset=utf-8'

const envelope = (identity: string, inner: string, doctype = '') => `<?xml version="1.0" encoding="UTF-8"?>
${doctype}<cXML payloadID="hostile@attacker.example" timestamp="2026-11-23T10:00:00-05:00">
<Header><From><Credential domain="NetworkID"><Identity>${identity}</Identity></Credential></From>
<To><Credential domain="DUNS"><Identity>123456789</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>${identity}</Identity><SharedSecret>guess</SharedSecret></Credential><UserAgent>x</UserAgent></Sender></Header>
<Request><PunchOutSetupRequest operation="create"><BuyerCookie>c</BuyerCookie>${inner}
<BrowserFormPost><URL>https://buyer.example.com/punchout/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>`

const cxml = (name: string, body: string | Buffer, contentType = XML): HostileInput =>
  ({ name, method: 'POST', path: CXML, contentType, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') })

function built(cxmlLimit: number): HostileInput[] {
  const laughs = ['<!ENTITY l0 "ha">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('')
  const extrinsics = (bytes: number) => '<Extrinsic name="Note">'.concat('x'.repeat(1000), '</Extrinsic>\n').repeat(Math.floor(bytes / 1030))
  return [
    cxml('xxe-file', envelope('&x;', '', '<!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')),
    cxml('xxe-ssrf', envelope('&x;', '', '<!DOCTYPE cXML [<!ENTITY % p SYSTEM "http://169.254.169.254/latest/meta-data/"> %p;]>\n')),
    cxml('billion-laughs', envelope('&l9;', '', `<!DOCTYPE cXML [${laughs}]>\n`)),
    cxml('quadratic-blowup', envelope('AN-BENCH-0001', `<Extrinsic name="x">${'&a;'.repeat(50_000)}</Extrinsic>`, `<!DOCTYPE cXML [<!ENTITY a "${'a'.repeat(10_000)}">]>\n`)),
    cxml('deep-nesting', envelope('AN-BENCH-0001', `${'<Extrinsic name="n">'.repeat(10_000)}${'</Extrinsic>'.repeat(10_000)}`)),
    cxml('numeric-reference-flood', envelope('AN-BENCH-0001', `<Extrinsic name="x">${'&#65;'.repeat(200_000)}</Extrinsic>`)),
    cxml('over-the-body-limit', envelope('AN-UNKNOWN-9999', extrinsics(cxmlLimit + 1024 * 1024))),
    cxml('unknown-identity-large', envelope('AN-UNKNOWN-9999', extrinsics(cxmlLimit * 0.9))),
    cxml('declared-utf16-sent-utf8', envelope('AN-BENCH-0001', '').replace('encoding="UTF-8"', 'encoding="UTF-16"')),
    cxml('invalid-utf8', Buffer.concat([Buffer.from(envelope('AN-BENCH-0001', '<Extrinsic name="x">')), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('</Extrinsic>')])),
    cxml('malformed', envelope('AN-BENCH-0001', '<Extrinsic name="x"><Unclosed></Extrinsic>')),
    cxml('json-to-cxml', '{"__proto__":{"polluted":1}}', 'application/json'),
    { name: 'oci-large-unknown-user', method: 'POST', path: OCI, contentType: 'application/x-www-form-urlencoded',
      body: Buffer.from(`USERNAME=nobody&PASSWORD=guess&HOOK_URL=https%3A%2F%2Fbuyer.example.com%2Fx&NOTE=${'x'.repeat(200_000)}`) },
  ]
}

/** The hostile fixtures kept in the repository, as requests. */
function fromFixtures(): HostileInput[] {
  const dir = path.join(REPO, 'fixtures/hostile')
  let files: string[]
  try {
    files = readdirSync(dir).sort()
  } catch {
    return []
  }
  return files.flatMap((file): HostileInput[] => {
    const raw = readFileSync(path.join(dir, file))
    if (file.endsWith('.xml.gz')) return [cxml(`fixture ${file}`, gunzipSync(raw))]
    // The UTF-16 fixtures carry no byte-order mark: their charset travels in the Content-Type.
    if (file.endsWith('.xml')) return [cxml(`fixture ${file}`, raw, /utf16be/i.test(file) ? 'text/xml; charset=UTF-16BE' : /utf16/i.test(file) ? 'text/xml; charset=UTF-16LE' : XML)]
    if (file.endsWith('.form')) return [{ name: `fixture ${file}`, method: 'POST', path: OCI, contentType: 'application/x-www-form-urlencoded', body: raw }]
    return []
  })
}

export function hostileInputs(cxmlLimit: number): HostileInput[] {
  return [...built(cxmlLimit), ...fromFixtures()]
}
