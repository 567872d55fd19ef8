import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cxmlAnswer } from '../helpers/fixtures.ts'

const MULTIPART_BODY = '--b\r\nContent-Type: text/xml\r\nContent-ID: <cxml@buyer>\r\n\r\n<cXML/>\r\n--b--\r\n'

t.test('the 415 of the cXML endpoint names the type actually sent', async (t) => {
  const { app } = await buildTestApp(t)
  const post = (type: string) => app.inject({ method: 'POST', url: '/punchout/cxml', headers: { 'content-type': type }, payload: MULTIPART_BODY })

  t.test('multipart/related (cXML with attachments) is refused as not accepted yet, in cXML', async (t) => {
    const res = await post('multipart/related; boundary="b"; type="text/xml"; start="<cxml@buyer>"')
    t.equal(res.statusCode, 415)
    const answer = cxmlAnswer(res.body)
    t.equal(answer.code, 415)
    t.match(answer.detail, /^multipart\/related \(cXML with attachments\) is not accepted here yet; send the cXML document alone as text\/xml or application\/xml\./)
    t.notMatch(answer.detail, /Unsupported Media Type/)
  })

  t.test('another unknown type is named without its parameters', async (t) => {
    const res = await post('image/png; name="x"')
    t.equal(res.statusCode, 415)
    t.match(cxmlAnswer(res.body).detail, /^Content-Type "image\/png" is not accepted here\./)
  })
})
