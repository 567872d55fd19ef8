import t from 'tap'
import { AuditEntry, PunchoutSession } from '../../../src/persistence/entities/index.ts'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { call, tokenFor } from './accounts-helpers.ts'
import { dryRun, liveReplay, recordedSession } from './replay-helpers.ts'

/**
 * POST /api/sessions/:id/replay {mode: "live"} (docs/api.md, "Replay"): a new session linked to
 * the original, set up as the agent, with a one-time start link; audited. And who may replay.
 */
t.test('live replay', async (t) => {
  const app = await buildTestApp(t)
  const em = () => app.db.orm.em.fork()
  const support = await tokenFor(app, 'support')
  const rejecting = { provisioning: { unknownRoles: 'reject' } }
  const withRole = (unique: string) => ({ extrinsics: [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`], ['Role', 'Approver']] as Array<[string, string]> })

  t.test('after the role is mapped: a new session linked to the original, started once, audited', async (t) => {
    const { customer, sid } = await recordedSession(app, rejecting, withRole('cy'))
    await call(app, 'PUT', `/api/customers/${customer.id}/roles/Approver`, adminHeaders, { permissions: ['browse', 'add_to_cart'] })
    const res = await liveReplay(app, sid, { ...support.headers, 'x-audit-reason': 'ticket 4711' })
    t.equal(res.statusCode, 201, res.body)
    const answer = res.json()
    t.match(answer, { mode: 'live', replayOf: sid, startUrl: /^https:\/\/gateway\.test\/punchout\/start\// })
    t.not(answer.sessionId, sid)

    const detail = (await call(app, 'GET', `/api/sessions/${answer.sessionId}`)).json()
    t.match(detail, { status: 'provisioned', replayOf: sid, user: { id: String } })
    t.match(detail.timeline[0], { type: 'session.replay', data: { of: sid, actor: support.name, reason: 'ticket 4711' } })
    t.match(detail.requests, [{ channel: 'cxml', path: `/api/sessions/${sid}/replay`, requestBody: /<SharedSecret>\*\*\*<\/SharedSecret>/ }])
    t.notMatch(JSON.stringify(detail.requests), 's3cret-shared', 'the secret is nowhere in the journal')
    t.same((await call(app, 'GET', `/api/sessions/${sid}`)).json().replays, [answer.sessionId])

    const path = new URL(answer.startUrl).pathname
    t.equal((await app.app.inject({ method: 'GET', url: path })).statusCode, 302, 'the start link works')
    t.equal((await app.app.inject({ method: 'GET', url: path })).statusCode, 410, 'once')

    const entry = await em().findOneOrFail(AuditEntry, { action: 'session.replay', targetId: sid })
    t.match(entry, { actor: support.name, reason: 'ticket 4711', customerId: customer.id, after: { outcome: 'provisioned', sessionId: answer.sessionId } })
  })

  t.test('a replay of a replay reads the original request', async (t) => {
    const { sid } = await recordedSession(app, {})
    const first = (await liveReplay(app, sid)).json()
    const second = await liveReplay(app, first.sessionId)
    t.equal(second.statusCode, 201, second.body)
    t.equal(second.json().replayOf, first.sessionId)
    t.match((await dryRun(app, first.sessionId)).json(), { then: { outcome: 'provisioned' }, now: { outcome: 'provisioned' } })
  })

  t.test('still refused today: a clear 4xx, and the refusal is recorded as a failed replay session', async (t) => {
    const { sid } = await recordedSession(app, rejecting, withRole('di'))
    const res = await liveReplay(app, sid, { ...support.headers, 'x-audit-reason': 'try again' })
    t.equal(res.statusCode, 403)
    t.match(res.json(), { code: 'PG_ERR_ROLE_REJECTED', reference: String })
    const failed = await em().find(PunchoutSession, { replayOf: sid })
    t.equal(failed.length, 1)
    t.match(failed[0], { status: 'failed', failureCode: 'PG_ERR_ROLE_REJECTED' })
    const detail = (await call(app, 'GET', `/api/sessions/${failed[0]!.id}`)).json()
    t.match(detail.requests, [{ outcome: 'refused', error: { code: 'PG_ERR_ROLE_REJECTED' } }])
    t.match(await em().findOneOrFail(AuditEntry, { action: 'session.replay', targetId: sid }), { actor: support.name, reason: 'try again', after: { outcome: 'refused', code: 'PG_ERR_ROLE_REJECTED' } })
  })

  t.test('who may replay', async (t) => {
    const { customer, sid } = await recordedSession(app, {})
    const other = await recordedSession(app, {})
    const auditor = await tokenFor(app, 'auditor')
    const scoped = await tokenFor(app, 'support', [other.customer.id])
    const own = await tokenFor(app, 'support', [customer.id])
    t.equal((await dryRun(app, sid, auditor.headers)).statusCode, 403, 'an auditor may not replay')
    t.equal((await liveReplay(app, sid, auditor.headers)).statusCode, 403)
    t.equal((await call(app, 'POST', `/api/sessions/${sid}/resend`, auditor.headers, {})).statusCode, 403, 'nor re-send')
    const foreign = await dryRun(app, sid, scoped.headers)
    t.equal(foreign.statusCode, 404, "another customer's session is not found")
    t.equal(foreign.json().code, 'PG_ERR_SESSION_NOT_FOUND')
    t.equal((await liveReplay(app, sid, scoped.headers)).statusCode, 404)
    t.equal((await call(app, 'POST', `/api/sessions/${sid}/resend`, scoped.headers, {})).statusCode, 404)
    t.equal((await dryRun(app, sid, own.headers)).statusCode, 200, 'support of the customer may')
    t.equal((await call(app, 'POST', `/api/sessions/${sid}/replay`, own.headers, { mode: 'again' })).statusCode, 400, 'an unknown mode is refused')
  })
})
