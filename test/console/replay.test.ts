import t from 'tap'
import { AuditEntry, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { adminHeaders } from '../helpers/fixtures.ts'
import { returnCart, startedSession } from '../helpers/punchout.ts'
import { cartItems } from '../http/api/accounts-helpers.ts'
import { buyerWithRole, customerWithCredential, setupFrom, signedIn } from './console-helpers.ts'

/** Replay and re-send on the console's session page (docs/console.md, "Replay and re-send"). */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()
const acme = await customerWithCredential(app, { name: 'Acme Corp', provisioning: { unknownRoles: 'reject' } })
await setupFrom(app, acme.identity, buyerWithRole('Approver', 'ria'))
const failed = await em().findOneOrFail(PunchoutSession, { customerId: acme.id, status: 'failed' })
const { agent, browser } = await signedIn(app, 'support')

t.test('the session page offers the replay buttons to an agent who may operate', async (t) => {
  const page = await browser.get(`/console/sessions/${failed.id}`)
  t.match(page.body, `<form method="post" action="/console/sessions/${failed.id}/replay" class="inline" id="replay-dry-run">`)
  t.match(page.body, 'id="replay-live"')
  t.notMatch(page.body, 'id="resend"', 'no cart, no re-send')
  const auditor = await signedIn(app, 'auditor')
  const seen = await auditor.browser.get(`/console/sessions/${failed.id}`)
  t.notMatch(seen.body, 'id="replay"', 'an auditor sees no replay')
  const refused = await auditor.browser.post(`/console/sessions/${failed.id}/replay`, { mode: 'dry-run' })
  t.equal(refused.statusCode, 403, 'and may not post one')
})

t.test('dry run, then live after mapping the role', async (t) => {
  const before = await browser.post(`/console/sessions/${failed.id}/replay`, { mode: 'dry-run' })
  t.equal(before.statusCode, 200)
  t.match(before.body, /<tr class=""><th>Roles<\/th><td>Approver rejected<\/td><td>Approver rejected<\/td>/)
  await app.inject({ method: 'PUT', url: `/api/customers/${acme.id}/roles/Approver`, headers: adminHeaders, payload: { permissions: ['browse', 'add_to_cart'] } })
  const after = await browser.post(`/console/sessions/${failed.id}/replay`, { mode: 'dry-run' })
  t.match(after.body, /<tr class="changed"><th>Roles<\/th><td>Approver rejected<\/td><td>Approver mapped → \[browse, add_to_cart\]<\/td>/)
  t.match(after.body, 'id="now"')

  const live = await browser.post(`/console/sessions/${failed.id}/replay`, { mode: 'live', reason: 'ticket 12' })
  t.equal(live.statusCode, 200, live.body)
  const startUrl = /<p class="secret" id="start-url">([^<]+)<\/p>/.exec(live.body)![1]!
  t.equal((await app.inject({ method: 'GET', url: new URL(startUrl).pathname })).statusCode, 302)
  const replay = await em().findOneOrFail(PunchoutSession, { replayOf: failed.id })
  t.equal(replay.status, 'started')
  t.match(await em().findOneOrFail(AuditEntry, { action: 'session.replay', targetId: failed.id }), { actor: `agent:${agent.email}`, reason: 'ticket 12' })
})

t.test('re-send of a returned cart', async (t) => {
  const { sid } = await startedSession(app, { from: [['NetworkID', acme.identity]], extrinsics: [['UniqueName', 'sam']] })
  await returnCart(app, sid, cartItems)
  const page = await browser.get(`/console/sessions/${sid}`)
  t.match(page.body, 'id="resend"')
  const res = await browser.post(`/console/sessions/${sid}/resend`, { reason: 'cart lost' })
  t.equal(res.statusCode, 200)
  const url = /<p class="secret" id="resend-url">([^<]+)<\/p>/.exec(res.body)![1]!
  t.equal((await app.inject({ method: 'GET', url: new URL(url).pathname })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: new URL(url).pathname })).statusCode, 410)
})
