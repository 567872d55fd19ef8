import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { buyerWithRole, customerWithCredential, setupFrom, setUp, signedIn } from './console-helpers.ts'

/**
 * Home (docs/console.md, "Home"): the failed sessions of the last 24 hours by customer, most
 * urgent first against each customer's support tier, and the day in two charts.
 */
const gateway = await buildTestApp(t)
const { app, clock } = gateway
const refusedReturnUrl = { browserFormPost: 'https://elsewhere.example/return' }

// Tier 3 (24 h) failed first; tier 1 (2 h) an hour later; tier 2 (4 h) has one success only.
const slow = await customerWithCredential(app, { name: 'Slowpoke Ltd', slaTier: 3, provisioning: { unknownRoles: 'reject' } })
const urgent = await customerWithCredential(app, { name: 'Urgent Inc', slaTier: 1, provisioning: { unknownRoles: 'reject' } })
const fine = await customerWithCredential(app, { name: 'Fine GmbH', slaTier: 2 })
clock.advance(-26 * 3600)
await setupFrom(app, slow.identity, refusedReturnUrl)
clock.advance(26 * 3600 - 3600)
await setupFrom(app, slow.identity, buyerWithRole('Approver'))
await setupFrom(app, slow.identity, refusedReturnUrl)
clock.advance(1800)
await setupFrom(app, urgent.identity, buyerWithRole('Approver'))
await setUp(setupFrom(app, fine.identity))
clock.advance(1800)
const { browser } = await signedIn(app, 'support')

t.test('failures are grouped by customer, the tier-1 customer first although its failure is newer', async (t) => {
  const home = await browser.get('/console')
  t.equal(home.statusCode, 200)
  const rows = [...home.body.matchAll(/<tr class="[^"]*"><td><a href="\/console\/customers\/([^"]+)">([^<]+)<\/a>/g)].map((m) => m[2])
  t.same(rows, ['Urgent Inc', 'Slowpoke Ltd'], 'a customer without failures is not listed')
  t.match(home.body, /Urgent Inc[\s\S]*?Tier 1 <span class="muted">\(2 h\)<\/span>[\s\S]*?>1<\/a>[\s\S]*?30 min[\s\S]*?in 1 h 30 min/)
  t.match(home.body, /Slowpoke Ltd[\s\S]*?Tier 3[\s\S]*?>2<\/a>[\s\S]*?1 h 00 min[\s\S]*?in 23 h 00 min/, 'the older failure, outside the 24 hours, is not counted')
  t.match(home.body, /PG_ERR_RETURN_URL_REFUSED<\/code><\/a> × 1/)
  t.match(home.body, /PG_ERR_ROLE_REJECTED<\/code><\/a> × 1/)
  t.match(home.body, `/console/sessions?customer=${urgent.id}&amp;status=failed&amp;failureCode=PG_ERR_ROLE_REJECTED`, 'each code links to its sessions')
})

t.test('a failure past its tier\'s response time is marked overdue', async (t) => {
  clock.advance(2 * 3600)
  const home = await browser.get('/console')
  t.match(home.body, /Urgent Inc[\s\S]*?<span class="badge overdue">overdue<\/span> by 30 min/)
  t.notMatch(home.body, /Slowpoke Ltd[\s\S]*?overdue/, 'tier 3 still has time')
  clock.advance(-2 * 3600)
})

t.test('the charts: sessions per hour by outcome, failures per hour by code', async (t) => {
  const home = await browser.get('/console')
  t.match(home.body, /<figure id="chart-sessions"[\s\S]*?<svg class="chart" viewBox="0 0 720 200" role="img" aria-label="Punchout sessions per hour, succeeded and failed">/)
  t.match(home.body, /<rect [^>]*fill="#2e7d32"><title>\d\d:00: 1 succeeded<\/title>/)
  t.match(home.body, /<rect [^>]*fill="#c62828"><title>\d\d:00: 3 failed<\/title>/, 'the three failures of the last hours, in one hour')
  t.match(home.body, /<figure id="chart-failures"[\s\S]*?<title>\d\d:00: 2 PG_ERR_RETURN_URL_REFUSED|<title>\d\d:00: 2 PG_ERR_ROLE_REJECTED/)
  t.match(home.body, /<span><i style="background:#c62828"><\/i>PG_ERR_RETURN_URL_REFUSED<\/span><span><i style="background:#ef6c00"><\/i>PG_ERR_ROLE_REJECTED<\/span>/)
})
