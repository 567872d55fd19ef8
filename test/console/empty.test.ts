import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { createCustomer } from '../helpers/fixtures.ts'
import { signedIn } from './console-helpers.ts'

/** Every page of a fresh installation renders, and says what would be there (docs/console.md). */
const { app } = await buildTestApp(t)
const { browser } = await signedIn(app, 'admin')

t.test('the pages of a gateway with no customers say what would appear there', async (t) => {
  const expected: Record<string, string> = {
    '/console': 'No failed punchouts in the last 24 hours.',
    '/console/sessions': 'No punchout sessions yet.',
    '/console/requests': 'No requests journaled yet.',
    '/console/customers': 'No customers yet.',
    '/console/roles': 'Nothing to review: no pending role, and no setup refused for an unknown role.',
    '/console/users': 'No customers to show users of.',
  }
  for (const [url, text] of Object.entries(expected)) {
    const res = await browser.get(url)
    t.equal(res.statusCode, 200, url)
    t.equal(res.headers['content-type'], 'text/html; charset=utf-8', url)
    t.match(res.body, text, url)
  }
  const home = await browser.get('/console')
  t.match(home.body, 'No punchout sessions in the last 24 hours.', 'the sessions chart, empty')
  t.match(home.body, 'No failures in the last 24 hours.', 'the failure chart, empty')
  t.notMatch(home.body, '<svg')
})

t.test("a new customer's pages say what is missing", async (t) => {
  const customer = await createCustomer(app, { name: 'Bare Corp', returnUrlHosts: [] })
  const page = await browser.get(`/console/customers/${customer.id}`)
  t.match(page.body, 'No credentials: this customer cannot punch out until one is added.')
  t.match(page.body, 'No return URL is allowed yet')
  const roles = await browser.get(`/console/customers/${customer.id}/roles`)
  t.match(roles.body, /buyer<\/strong> <span class="muted">\(default\)/, 'only the default role')
  t.notMatch(roles.body, 'Refused at setup')
  const users = await browser.get(`/console/users?customer=${customer.id}`)
  t.match(users.body, 'No buyer users yet: users are created at their first punchout')
  const search = await browser.get(`/console/users?customer=${customer.id}&q=nobody`)
  t.match(search.body, 'No user of this customer matches the search.')
  const sessions = await browser.get(`/console/sessions?customer=${customer.id}`)
  t.match(sessions.body, 'No session matches these filters.')
})

t.test('errors say what happened, with the code and a reference', async (t) => {
  const missing = await browser.get('/console/sessions/7d1e4c9a-0000-4000-8000-000000000000')
  t.equal(missing.statusCode, 404)
  t.match(missing.body, /<div class="card error" id="error"><h1>Not found<\/h1><p>No punchout session 7d1e4c9a-0000-4000-8000-000000000000\.<\/p>/)
  t.match(missing.body, /Code <code>PG_ERR_SESSION_NOT_FOUND<\/code> · reference <code>[0-9a-f-]{36}<\/code>/)
  const invalid = await browser.get('/console/sessions?failureCode=not%20a%20code')
  t.equal(invalid.statusCode, 400)
  t.match(invalid.body, 'PG_ERR_API_VALIDATION')
  t.match(invalid.body, 'failureCode: a code such as PG_ERR_ROLE_REJECTED')
  const notAPage = await browser.get('/console/customers/not-a-uuid')
  t.equal(notAPage.statusCode, 404)
  t.match(notAPage.body, 'There is no such console page.')
})
