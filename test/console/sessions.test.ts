import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { returnCart, startedSession } from '../helpers/punchout.ts'
import { buyerWithRole, customerWithCredential, setupFrom, signedIn } from './console-helpers.ts'

/**
 * Sessions and requests (docs/console.md, "Sessions"): the API's filters as a form, keyset pages,
 * a session with its timeline, pretty-printed payloads and returned cart, and the requests that
 * never became a session.
 */
const gateway = await buildTestApp(t)
const { app, clock } = gateway
const acme = await customerWithCredential(app, { name: 'Acme Corp', provisioning: { unknownRoles: 'reject' } })
const globex = await customerWithCredential(app, { name: 'Globex' })

const failed = await setupFrom(app, acme.identity, { ...buyerWithRole('Approver-EMEA'), payloadID: 'failed-setup-1@buyer.example.com' })
clock.advance(60)
const started = await startedSession(app, { from: [['NetworkID', globex.identity]], payloadID: 'cart-setup-1@buyer.example.com', buyerCookie: 'cookie-cart' })
const cart = await returnCart(app, started.sid, [
  { sku: 'GLV-NIT-L', quantity: 3, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, large', unitOfMeasure: 'BX', classification: '46181504' },
  { sku: 'PEN-BLU-12', quantity: 2, unitPrice: 3.9, currency: 'EUR', description: 'Ballpoint pens, blue', unitOfMeasure: 'PK', manufacturerName: 'Penco' },
])
clock.advance(60)
await setupFrom(app, acme.identity, { secret: 'wrong-secret', payloadID: 'bad-secret-1@buyer.example.com' })
const { browser } = await signedIn(app, 'support')

t.test('fixtures', async (t) => {
  t.equal(failed.statusCode, 403)
  t.equal(cart.statusCode, 200)
})

t.test('the list: newest first, each filter narrowing it', async (t) => {
  const all = await browser.get('/console/sessions')
  t.equal(all.statusCode, 200)
  const order = [...all.body.matchAll(/<td><a href="\/console\/customers\/[^"]+">([^<]+)<\/a><\/td>/g)].map((m) => m[1])
  t.same(order, ['Globex', 'Acme Corp'], 'newest first; the bad secret never became a session')
  const filters: Record<string, [string, string[]]> = {
    status: ['status=failed', ['Acme Corp']],
    customer: [`customer=${globex.id}`, ['Globex']],
    slug: [`customer=${acme.slug}`, ['Acme Corp']],
    failureCode: ['failureCode=PG_ERR_ROLE_REJECTED', ['Acme Corp']],
    payloadId: ['payloadId=cart-setup-1%40buyer.example.com', ['Globex']],
    buyerCookie: ['buyerCookie=cookie-cart', ['Globex']],
    protocol: ['protocol=oci', []],
    time: ['from=2026-11-23T10:00&to=2026-11-23T10:01', ['Acme Corp']],
  }
  for (const [name, [query, expected]] of Object.entries(filters)) {
    const res = await browser.get(`/console/sessions?${query}`)
    t.equal(res.statusCode, 200, name)
    t.same([...res.body.matchAll(/<td><a href="\/console\/customers\/[^"]+">([^<]+)<\/a><\/td>/g)].map((m) => m[1]), expected, name)
  }
  const chosen = await browser.get('/console/sessions?status=failed&from=2026-11-23T10:00')
  t.match(chosen.body, '<option value="failed" selected>failed</option>', 'the form shows the filters applied')
  t.match(chosen.body, 'name="from" value="2026-11-23T10:00"')
})

t.test('keyset pages: a "Next page" link carries the filters and the cursor', async (t) => {
  for (let i = 0; i < 50; i++) await setupFrom(app, globex.identity, { browserFormPost: 'https://elsewhere.example/return', payloadID: `refused-${i}` })
  const first = await browser.get('/console/sessions?status=failed')
  t.equal([...first.body.matchAll(/<tr><td class="when"><a href="\/console\/sessions\//g)].length, 50)
  const next = /id="next-page" href="([^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&')
  t.match(next, /^\/console\/sessions\?status=failed&cursor=[\w-]+$/)
  const second = await browser.get(next)
  t.equal([...second.body.matchAll(/<tr><td class="when"><a href="\/console\/sessions\//g)].length, 1)
  t.match(second.body, 'Acme Corp', 'the oldest failure is on the second page')
  t.notMatch(second.body, 'id="next-page"')
})

t.test('a failed session: the code, the explanation, the way to fix it, the timeline and the payloads', async (t) => {
  const list = await browser.get('/console/sessions?failureCode=PG_ERR_ROLE_REJECTED')
  const id = /href="\/console\/sessions\/([0-9a-f-]{36})"/.exec(list.body)![1]
  const page = await browser.get(`/console/sessions/${id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /<h2>Failed: <code>PG_ERR_ROLE_REJECTED<\/code><\/h2><p>The role &quot;Approver-EMEA&quot; is not known to the supplier and Acme Corp refuses unknown roles\./)
  t.match(page.body, `href="/console/customers/${acme.id}/roles?map=Approver-EMEA#map">See the role “Approver-EMEA”</a>`, 'support may look; only an admin maps')
  t.match(page.body, /<li class="failed"><strong>role\.rejected<\/strong>/)
  t.match(page.body, /<li class=""><strong>customer\.authenticated<\/strong>/)
  t.match(page.body, '<dt>payloadID</dt><dd><code>failed-setup-1@buyer.example.com</code></dd>')
  t.match(page.body, '<span class="x-tag">&lt;SharedSecret</span><span class="x-tag">&gt;</span>***<span class="x-tag">&lt;/SharedSecret&gt;</span>', 'the request, indented and highlighted, the secret masked')
  t.match(page.body, '\n      <span class="x-tag">&lt;Credential</span> <span class="x-attr">domain</span>=<span class="x-val">&quot;NetworkID&quot;</span><span class="x-tag">&gt;</span>\n', 'indented by depth')
  t.match(page.body, '<span class="x-tag">&lt;Status</span> <span class="x-attr">code</span>=<span class="x-val">&quot;403&quot;</span>', 'the answer too')
  t.match(page.body, 'No cart was returned in this session.')
  t.notMatch(page.body, 's3cret-shared')
})

t.test('a session with a returned cart: its lines as a table, its payloads', async (t) => {
  const page = await browser.get(`/console/sessions/${started.sid}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /cart_returned/)
  t.match(page.body, /<h3>2026-11-23 10:01:00 UTC · cxml-urlencoded · total 40\.65 EUR<\/h3>/)
  t.match(page.body, /<td class="num">1<\/td><td><a href="\/console\/customers\/[0-9a-f-]{36}\/prices\?sku=GLV-NIT-L"><code>GLV-NIT-L<\/code><\/a><\/td><td>Nitrile gloves, large<\/td>\s*<td class="num">3<\/td><td>BX<\/td><td class="num">10\.95<\/td>\s*<td class="num">32\.85<\/td><td>UNSPSC 46181504<\/td>/)
  t.match(page.body, /<td class="num">2<\/td><td><a href="[^"]+"><code>PEN-BLU-12<\/code><\/a><\/td>[\s\S]*?<div><code>manufacturerName<\/code>: Penco<\/div>/)
  t.match(page.body, /<strong>cart\.returned<\/strong>/)
  t.match(page.body, '<span class="x-key">&quot;sku&quot;</span>:', 'the cart request, JSON formatted')
  t.match(page.body, /POST \/punchout\/sessions\/[0-9a-f-]{36}\/cart<\/code> → 200/)
})

t.test('requests that never became a session, found by payloadID or by reference', async (t) => {
  const found = await browser.get('/console/requests?payloadId=bad-secret-1%40buyer.example.com')
  t.equal(found.statusCode, 200)
  t.match(found.body, /<code>PG_ERR_AUTH_BAD_SECRET<\/code><\/div><\/td>\s*<td><span class="muted">no session<\/span>/)
  const reference = /ref <code class="ref">([0-9a-f-]{36})<\/code>/.exec(found.body)![1]
  const byReference = await browser.get(`/console/requests?requestId=${reference}`)
  t.match(byReference.body, 'bad-secret-1@buyer.example.com')
  const id = /href="\/console\/requests\/(\d+)"/.exec(found.body)![1]
  const detail = await browser.get(`/console/requests/${id}`)
  t.equal(detail.statusCode, 200)
  t.match(detail.body, 'none: the request never became a session')
  t.match(detail.body, '<span class="x-tag">&lt;SharedSecret</span><span class="x-tag">&gt;</span>***')
  t.notMatch(detail.body, 'wrong-secret')
  const none = await browser.get('/console/requests?payloadId=nothing-like-this')
  t.match(none.body, 'No journaled request matches these filters.')
})

t.test('the filtered list exports as CSV and NDJSON', async (t) => {
  const csv = await browser.get('/console/sessions/export?status=cart_returned&format=csv')
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.match(csv.headers['content-disposition'], /attachment; filename="punchout-sessions-2026-11-23\.csv"/)
  t.equal(csv.body.trim().split('\n').length, 2, 'the header and the one session')
  const ndjson = await browser.get('/console/sessions/export?customer=' + acme.id + '&format=ndjson')
  t.equal(JSON.parse(ndjson.body.trim()).customer.name, 'Acme Corp')
})
