import t from 'tap'
import { XMLParser } from 'fast-xml-parser'
import { element, serializeDocument } from '../../../src/protocols/cxml/xml-writer.ts'

const doc = (build: (root: ReturnType<typeof element>) => void) => {
  const root = element(null, 'cXML')
  build(root)
  return serializeDocument(root, { name: 'cXML', systemId: 'http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd' })
}

t.test('declaration, DOCTYPE, two-space indentation, self-closing empty elements', async (t) => {
  t.equal(
    doc((root) => {
      element(element(root, 'Response'), 'Status', { code: '200', text: 'OK' })
      element(root, 'Empty', {}, '')
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">\n' +
      '<cXML>\n  <Response>\n    <Status code="200" text="OK"/>\n  </Response>\n  <Empty/>\n</cXML>',
  )
})

t.test('markup characters in text and attributes are escaped, entity-like text stays literal', async (t) => {
  const xml = doc((root) => element(root, 'T', { a: 'x"<>&amp;' }, 'a<b>c&lt;d&#65;"\''))
  t.match(xml, '<T a="x&quot;&lt;&gt;&amp;amp;">a&lt;b&gt;c&amp;lt;d&amp;#65;"\'</T>')
  const parsed = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false }).parse(xml)
  t.equal(parsed.cXML.T['#text'], 'a<b>c&lt;d&#65;"\'', 'a parser reads back exactly the value')
  t.equal(parsed.cXML.T['@_a'], 'x"<>&amp;')
})

t.test('characters XML cannot carry are dropped; CR in text survives as &#xD;; tabs and newlines in attributes become spaces', async (t) => {
  const xml = doc((root) => element(root, 'T', { a: 'tab\there\nnew\r\nline' }, 'ctl\u0001\u0008x lone\uD800sur\uDC00 \uFFFE\uFFFF emoji 😀 cr\rend'))
  t.match(xml, '<T a="tab here new line">ctlx lonesur  emoji 😀 cr&#xD;end</T>')
})
