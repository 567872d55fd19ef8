import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer } from '../helpers/fixtures.ts'

const MULTIPART_BODY = '--b\r\nContent-Type: text/xml\r\nContent-ID: <cxml@buyer>\r\n\r\n<cXML/>\r\n--b--\r\n'

t.test('the 415 of the cXML endpoint names the type actually sent', async (t) => {
  const { app } = await buildTestApp(t)
  const post = (type: string, url = '/punchout/cxml') => app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload: MULTIPART_BODY })

  // The cXML endpoint takes multipart/related for OrderRequests (test/http/cxml-order-multipart.test.ts).
  t.test('multipart/related elsewhere is refused with a text saying where it is accepted', async (t) => {
    const res = await post('multipart/related; boundary="b"; type="text/xml"; start="<cxml@buyer>"', '/punchout/oci')
    t.equal(res.statusCode, 415)
    t.match(res.body, /multipart\/related \(cXML with attachments\) is accepted only for an OrderRequest at \/punchout\/cxml; this endpoint does not take it\./)
    t.notMatch(res.body, /Unsupported Media Type/)
  })

  t.test('another unknown type is named without its parameters', async (t) => {
    const res = await post('image/png; name="x"')
    t.equal(res.statusCode, 415)
    t.match(cxmlAnswer(res.body).detail, /^Content-Type "image\/png" is not accepted here\./)
  })
})
