import t from 'tap'
import { AuditEntry, BuyerUser, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { customerWithCredential, setupFrom, setUp, signedIn } from './console-helpers.ts'

/** "Act for this buyer" on the console's users page (docs/console.md, "Users"). */
const gateway = await buildTestApp(t)
const { app } = gateway
const em = () => gateway.db.orm.em.fork()
const acme = await customerWithCredential(app, { name: 'Acme Corp' })
await setUp(setupFrom(app, acme.identity, { extrinsics: [['UserEmail', 'jane@buyer.example.com'], ['UniqueName', 'jane'], ['UserFullName', 'Jane Buyer']] }))
const jane = await em().findOneOrFail(BuyerUser, { customerId: acme.id, uniqueName: 'jane' })

t.test('support acts for the buyer with a reason and a time box, and gets the one-time link', async (t) => {
  const { agent, browser } = await signedIn(app, 'support')
  t.match((await browser.get(`/console/users?customer=${acme.id}`)).body, `action="/console/users/${jane.id}/on-behalf"`)
  const res = await browser.post(`/console/users/${jane.id}/on-behalf`, { reason: 'stuck at checkout', minutes: '10' })
  t.equal(res.statusCode, 201)
  t.match(res.body, /<h1>Acting for Jane Buyer<\/h1>/)
  t.match(res.body, /id="open-on-behalf" href="https:\/\/gateway\.test\/punchout\/start\/[\w-]+"/)
  const session = await em().findOneOrFail(PunchoutSession, { userId: jane.id, onBehalfAgent: `agent:${agent.email}` })
  t.equal(session.onBehalfReason, 'stuck at checkout')
  t.equal(session.onBehalfExpiresAt!.getTime() - gateway.clock.now.getTime(), 10 * 60_000)
  t.match(await em().findOneOrFail(AuditEntry, { action: 'on_behalf.start', targetId: jane.id }), { actor: `agent:${agent.email}`, reason: 'stuck at checkout' })
})

t.test('a reason is required, and minutes are whole and bounded', async (t) => {
  const { browser } = await signedIn(app, 'support')
  t.equal((await browser.post(`/console/users/${jane.id}/on-behalf`, { reason: '' })).statusCode, 400)
  t.equal((await browser.post(`/console/users/${jane.id}/on-behalf`, { reason: 'x', minutes: '2.5' })).statusCode, 400)
})

t.test('an auditor sees no button and is refused', async (t) => {
  const { browser } = await signedIn(app, 'auditor')
  t.notMatch((await browser.get(`/console/users?customer=${acme.id}`)).body, /on-behalf/)
  t.equal((await browser.post(`/console/users/${jane.id}/on-behalf`, { reason: 'curious' })).statusCode, 403)
})
