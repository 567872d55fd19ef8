import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { returnCart, startedSession } from '../helpers/punchout.ts'
import { customerWithCredential, setupFrom, signedIn } from './console-helpers.ts'

/**
 * A buyer's hostile text renders as text on every console page (docs/console.md, "Security"):
 * names with quotes, descriptions with <script>, markup in roles, payloadIDs and cookies.
 */
const gateway = await buildTestApp(t)
const { app } = gateway
const customerName = `Acme "Quotes" & <b>Sons</b> <script>alert('customer')</script>`
const hostile = await customerWithCredential(app, { name: customerName, provisioning: { unknownRoles: 'reject' } })
const lenient = await customerWithCredential(app, { name: `O'Brien's "Lenient" Ltd` })
const buyer = {
  extrinsics: [
    ['UserEmail', 'mallory@buyer.example.com'], ['UniqueName', `o'brien"><img src=x onerror=alert('unique')>`],
    ['UserPrintableName', `<script>alert("name")</script>`], ['Role', `<img src=x onerror=alert('role')>`],
  ] as Array<[string, string]>,
  payloadID: `"><script>alert('pid')</script>`,
  buyerCookie: `</code><script>alert('cookie')</script>`,
}
await setupFrom(app, hostile.identity, buyer)
const started = await startedSession(app, { ...buyer, from: [['NetworkID', lenient.identity]], payloadID: `pid-2"><svg onload=alert(1)>` })
await returnCart(app, started.sid, [{
  sku: `"><svg onload=alert('sku')>`, quantity: 1, unitPrice: 1, currency: 'EUR',
  description: `<script>alert("cart")</script> & "quoted" 'single'`, unitOfMeasure: 'EA', manufacturerName: '<b>bold</b>',
}])
const { browser } = await signedIn(app, 'admin')

t.test('C1 xss-item-description-console: every page shows the hostile text as text', async (t) => {
  const sessions = await browser.get('/console/sessions')
  const ids = [...new Set([...sessions.body.matchAll(/href="\/console\/sessions\/([0-9a-f-]{36})"/g)].map((m) => m[1]))]
  t.equal(ids.length, 2)
  const requests = await browser.get('/console/requests')
  const requestIds = [...new Set([...requests.body.matchAll(/href="\/console\/requests\/(\d+)"/g)].map((m) => m[1]))]
  const pages = [
    '/console', '/console/sessions', '/console/requests', '/console/customers', '/console/roles', '/console/users',
    `/console/users?customer=${lenient.id}`, `/console/customers/${hostile.id}`, `/console/customers/${hostile.id}/edit`,
    `/console/customers/${hostile.id}/roles?map=${encodeURIComponent('<script>alert(1)</script>')}`, `/console/customers/${lenient.id}/roles`,
    ...ids.map((id) => `/console/sessions/${id}`), ...requestIds.map((id) => `/console/requests/${id}`),
  ]
  for (const url of pages) {
    const res = await browser.get(url)
    t.equal(res.statusCode, 200, url)
    t.equal(res.body.match(/<script/gi)?.length, 1, `${url}: only the console's own script`)
    t.notMatch(res.body, /<img|<svg onload|<b>|onerror=alert\('[a-z]+'\)>/i, `${url}: no markup of the buyer's`)
  }
  const customer = await browser.get(`/console/customers/${hostile.id}`)
  t.match(customer.body, '<h1>Acme &quot;Quotes&quot; &amp; &lt;b&gt;Sons&lt;/b&gt; &lt;script&gt;alert(&#39;customer&#39;)&lt;/script&gt;</h1>')
  const edit = await browser.get(`/console/customers/${hostile.id}/edit`)
  t.match(edit.body, 'name="name" value="Acme &quot;Quotes&quot; &amp; &lt;b&gt;Sons&lt;/b&gt; &lt;script&gt;', 'inside an attribute too')
  const cart = await browser.get(`/console/sessions/${started.sid}`)
  t.match(cart.body, '<td>&lt;script&gt;alert(&quot;cart&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; &#39;single&#39;</td>')
  t.match(cart.body, '?sku=%22%3E%3Csvg%20onload%3Dalert(&#39;sku&#39;)%3E"><code>&quot;&gt;&lt;svg onload=alert(&#39;sku&#39;)&gt;</code></a></td>', 'in the price-lookup link too')
  t.match(cart.body, '&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;', 'the buyer name')
  t.match(cart.body, '<span class="x-str">&quot;&lt;script&gt;alert(\\&quot;cart\\&quot;)&lt;/script&gt; &amp; \\&quot;quoted\\&quot; &#39;single&#39;&quot;</span>', 'inside the highlighted JSON')
  const failed = await browser.get(`/console/sessions/${ids.find((id) => id !== started.sid)}`)
  t.match(failed.body, '<dt>payloadID</dt><dd><code>&quot;&gt;&lt;script&gt;alert(&#39;pid&#39;)&lt;/script&gt;</code></dd>')
  t.match(failed.body, '<dt>BuyerCookie</dt><dd><code>&lt;/code&gt;&lt;script&gt;alert(&#39;cookie&#39;)&lt;/script&gt;</code></dd>')
  t.match(failed.body, `?map=${encodeURIComponent(`<img src=x onerror=alert('role')>`).replace(/'/g, '&#39;')}#map`, 'the role in a link: encoded, then escaped')
  t.match(failed.body, /<span class="x-val">&quot;UserPrintableName&quot;<\/span><span class="x-tag">&gt;<\/span>&amp;lt;script&gt;alert\(&amp;quot;name&amp;quot;\)&amp;lt;\/script&gt;<span class="x-tag">&lt;\/Extrinsic&gt;<\/span>/, 'the XML source as sent (its own escapes shown as text)')
  const review = await browser.get('/console/roles')
  t.match(review.body, '<strong>&lt;img src=x onerror=alert(&#39;role&#39;)&gt;</strong>')
})
