import fc from 'fast-check'
import t from 'tap'
import { parseMediaType, parseMultipartRelated } from '../../../src/protocols/mime/multipart.ts'

const TYPE = 'multipart/related; boundary="=_b 1"; type="text/xml"'
const body = (text: string) => Buffer.from(text, 'latin1')

t.test('media type parameters: quoted, unquoted, escaped, names lower-cased', async (t) => {
  t.same(parseMediaType('Multipart/Related; Boundary="a;b"; start=<x@y>; name="q\\"x"'), { type: 'multipart/related', params: { boundary: 'a;b', start: '<x@y>', name: 'q"x' } })
})

t.test('preamble and epilogue ignored; the delimiter counts only at a line start', async (t) => {
  const parsed = parseMultipartRelated(body('preamble\r\n--=_b 1\r\nContent-Type: text/xml\r\n\r\n<cXML/>\r\n--=_b 1\r\nContent-ID: a@b\r\n\r\nnot a delimiter: --=_b 1 inside\r\n--=_b 1--\r\nepilogue'), TYPE)
  t.equal(parsed.root.content.toString(), '<cXML/>')
  t.equal(parsed.attachments.length, 1)
  t.equal(parsed.attachments[0]!.contentId, 'a@b')
  t.equal(parsed.attachments[0]!.content.toString(), 'not a delimiter: --=_b 1 inside')
})

t.test('bare LF line ends and folded headers', async (t) => {
  const parsed = parseMultipartRelated(body('--=_b 1\nContent-Type: text/xml\n\n<cXML/>\n--=_b 1\nContent-Disposition: attachment;\n  filename="folded.txt"\nContent-ID: <f@b>\n\nx\n--=_b 1--\n'), TYPE)
  t.equal(parsed.root.content.toString(), '<cXML/>')
  t.match(parsed.attachments[0], { contentId: 'f@b', fileName: 'folded.txt' })
})

t.test('quoted-printable: escapes and soft line breaks decoded', async (t) => {
  const parsed = parseMultipartRelated(body('--=_b 1\r\nContent-Type: text/xml\r\n\r\n<cXML/>\r\n--=_b 1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nStra=C3=9Fe 1, soft=\r\nbreak\r\n--=_b 1--\r\n'), TYPE)
  t.equal(parsed.attachments[0]!.content.toString('utf8'), 'Straße 1, softbreak')
})

t.test('a part without headers defaults to text/plain and is no root', async (t) => {
  t.throws(() => parseMultipartRelated(body('--=_b 1\r\n\r\nhello\r\n--=_b 1--\r\n'), TYPE), { code: 'PG_ERR_MULTIPART_INVALID', message: /root part .* is text\/plain/ })
})

t.test('a boundary longer than MIME allows is refused', async (t) => {
  t.throws(() => parseMultipartRelated(body(''), `multipart/related; boundary=${'x'.repeat(71)}`), { code: 'PG_ERR_MULTIPART_INVALID', message: /at most 70/ })
})

t.test('any body: parts or a PG_ERR_MULTIPART_INVALID refusal, never another error', async (t) => {
  const piece = fc.constantFrom('--=_b 1', '--=_b 1--', '\r\n', '\n', 'Content-ID: <a>', 'Content-Type: text/xml', 'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', ':', '=', 'QUJD', '<cXML/>', ' ')
  fc.assert(fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 40 }), (pieces) => {
    try {
      parseMultipartRelated(Buffer.from(pieces.join(''), 'latin1'), TYPE)
    } catch (err) {
      if ((err as { code?: string }).code !== 'PG_ERR_MULTIPART_INVALID') throw err
    }
  }), { numRuns: 500 })
  t.pass()
})
