import t from 'tap'
import { payloadKind, renderPayload } from '../../src/console/payload.ts'
import { fixture } from '../helpers/fixtures.ts'

/** Payloads pretty-printed and highlighted on the server, every byte of them escaped. */
const view = (body: string | Buffer | null, type: string | null) => String(renderPayload(body, type))
const pretty = (out: string) => /<pre class="payload">([\s\S]*?)<\/pre>/.exec(out)![1]!
const text = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')

t.test('XML: one element per line, indented by depth, text-only elements on one line', async (t) => {
  const out = view('<?xml version="1.0"?><cXML a="1"><Header><From><Credential domain="NetworkID"><Identity> AN01 </Identity></Credential></From><Empty/><Blank></Blank></Header></cXML>', 'text/xml')
  t.equal(text(pretty(out)), [
    '<?xml version="1.0"?>', '<cXML a="1">', '  <Header>', '    <From>', '      <Credential domain="NetworkID">', '        <Identity>AN01</Identity>',
    '      </Credential>', '    </From>', '    <Empty/>', '    <Blank></Blank>', '  </Header>', '</cXML>',
  ].join('\n'))
  t.match(out, '<span class="x-tag">&lt;Credential</span> <span class="x-attr">domain</span>=<span class="x-val">&quot;NetworkID&quot;</span><span class="x-tag">&gt;</span>')
  t.match(out, '<span class="x-com">&lt;?xml version=&quot;1.0&quot;?&gt;</span>')
  t.match(out, '<details><summary>As received</summary>', 'the exact text one click away')
})

t.test('a real document from the corpus keeps every character', async (t) => {
  const xml = fixture('cxml/coupa-setup-create-extrinsics-rubytime-timestamp.xml').toString('utf8')
  const out = pretty(view(xml, 'text/xml'))
  t.equal(text(out).replace(/\s+/g, ''), xml.replace(/\s+/g, ''), 'only whitespace differs')
})

t.test('hostile attribute values and text stay text', async (t) => {
  const out = view(`<a x='"><script>alert(1)</script>' y="a>b" z="\u0001v\u0002"><b>&lt;script&gt;</b><!-- <script> --></a>`, 'application/xml')
  t.notMatch(out, /<script|<b>|<a /)
  t.match(out, '<span class="x-val">&#39;&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;</span>')
  t.match(out, '<span class="x-val">&quot;a&gt;b&quot;</span>', 'a > inside a quoted value stays in it')
  t.match(out, '<span class="x-com">&lt;!-- &lt;script&gt; --&gt;</span>')
})

t.test('what is not XML-shaped is shown exactly as received', async (t) => {
  const out = view('<cXML><a>1 < 2</a></cXML>', 'text/xml')
  t.equal(out, '<pre class="payload">&lt;cXML&gt;&lt;a&gt;1 &lt; 2&lt;/a&gt;&lt;/cXML&gt;</pre>')
  t.equal(view('not json {', 'application/json'), '<pre class="payload">not json {</pre>')
})

t.test('JSON: formatted, keys, strings, numbers and literals marked', async (t) => {
  const out = view('{"items":[{"sku":"<b>A</b>","qty":2.5,"ok":true,"none":null}]}', 'application/json; charset=utf-8')
  t.equal(text(pretty(out)), JSON.stringify({ items: [{ sku: '<b>A</b>', qty: 2.5, ok: true, none: null }] }, null, 2))
  t.match(out, '<span class="x-key">&quot;sku&quot;</span>: <span class="x-str">&quot;&lt;b&gt;A&lt;/b&gt;&quot;</span>')
  t.match(out, '<span class="x-num">2.5</span>')
  t.match(out, '<span class="x-lit">true</span>')
})

t.test('OCI form fields as a table, in the charset the Content-Type names', async (t) => {
  const body = Buffer.from('NEW_ITEM-DESCRIPTION%5B1%5D=Gr%FC%DFe+%3Cscript%3E&NEW_ITEM-QUANTITY%5B1%5D=2', 'latin1')
  const out = view(body, 'application/x-www-form-urlencoded; charset=ISO-8859-1')
  t.match(out, '<tr><td><code class="x-key">NEW_ITEM-DESCRIPTION[1]</code></td><td><code>Grüße &lt;script&gt;</code></td></tr>')
  t.match(out, '<tr><td><code class="x-key">NEW_ITEM-QUANTITY[1]</code></td><td><code>2</code></td></tr>')
})

t.test('no body, and a body too large to format', async (t) => {
  t.equal(view(null, null), '<p class="muted">No body.</p>')
  t.equal(view('', 'text/xml'), '<p class="muted">No body.</p>')
  const big = `<a>${'x'.repeat(300 * 1024)}</a>`
  const out = view(big, 'text/xml')
  t.match(out, /^<p class="muted">307207 characters; the first 262144 as received:<\/p><pre class="payload">&lt;a&gt;x+<\/pre>$/)
})

t.test('the kind comes from the Content-Type, or from the document itself', async (t) => {
  t.equal(payloadKind('text/xml; charset=utf-8', ''), 'xml')
  t.equal(payloadKind(null, '  <?xml version="1.0"?><cXML/>'), 'xml')
  t.equal(payloadKind('application/json', '{}'), 'json')
  t.equal(payloadKind('text/html; charset=utf-8', '<html>'), 'html')
  t.equal(payloadKind('application/x-www-form-urlencoded', 'a=b'), 'form')
  t.equal(payloadKind('text/plain', 'hello'), 'text')
})
