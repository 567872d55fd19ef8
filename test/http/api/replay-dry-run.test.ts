import t from 'tap'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { call } from './accounts-helpers.ts'
import { dryRun, patchCustomer, recordedSession, rowCounts } from './replay-helpers.ts'

/**
 * POST /api/sessions/:id/replay {mode: "dry-run"} (docs/api.md, "Replay"): a failed setup run
 * again through today's configuration, then versus now, step by step — for each kind of failure
 * a configuration change fixes, one that still fails, and one that newly fails.
 */
t.test('replay dry runs', async (t) => {
  const app = await buildTestApp(t)
  const step = (body: { steps: Array<{ step: string; changed: boolean }> }, name: string) => body.steps.find((s) => s.step === name)!

  t.test('role rejected, then mapped: now provisioned with the mapped permissions, and nothing was written', async (t) => {
    const { customer, sid, code } = await recordedSession(app, { provisioning: { unknownRoles: 'reject' } }, { extrinsics: [['UniqueName', 'ann'], ['UserEmail', 'ann@buyer.example.com'], ['Role', 'Approver']] })
    t.equal(code, 403)
    const put = await call(app, 'PUT', `/api/customers/${customer.id}/roles/Approver`, adminHeaders, { permissions: ['browse', 'add_to_cart'] })
    t.equal(put.statusCode, 200, put.body)
    const before = await rowCounts(app)
    const res = await dryRun(app, sid)
    t.same(await rowCounts(app), before, 'every table has as many rows as before')
    t.equal(res.statusCode, 200, res.body)
    const body = res.json()
    t.match(body, {
      mode: 'dry-run', sessionId: sid, secretChecked: false, note: /not checked again/,
      then: { outcome: 'refused', code: 'PG_ERR_ROLE_REJECTED' },
      now: { outcome: 'provisioned', user: 'would be created', roles: [{ key: 'Approver', status: 'mapped', permissions: ['browse', 'add_to_cart'] }] },
    })
    t.match(step(body, 'roles'), { then: 'Approver rejected', now: 'Approver mapped → [browse, add_to_cart]', changed: true })
    t.match(step(body, 'user'), { then: 'user created (ann), not kept: the setup was refused', now: 'user would be created (ann)', changed: false })
    t.match(step(body, 'return_url'), { changed: false })
    t.match(step(body, 'credential'), { now: /secret not checked/, changed: false })
  })

  t.test('return URL not on the allow-list, then added', async (t) => {
    const { customer, sid, code } = await recordedSession(app, {}, { browserFormPost: 'https://procure.other.example/return' })
    t.equal(code, 403)
    t.equal((await patchCustomer(app, customer.id, { returnUrlHosts: ['buyer.example.com', 'procure.other.example'] })).statusCode, 200)
    const body = (await dryRun(app, sid)).json()
    t.match(body, { then: { outcome: 'refused', code: 'PG_ERR_RETURN_URL_REFUSED' }, now: { outcome: 'provisioned' } })
    t.match(step(body, 'return_url'), { then: /refused/, now: 'https://procure.other.example/return is on the allow-list', changed: true })
  })

  t.test('provisioning policy refused a new user, then allows it', async (t) => {
    const { customer, sid, code } = await recordedSession(app, { provisioning: { autoCreateUsers: false } })
    t.equal(code, 403)
    t.equal((await patchCustomer(app, customer.id, { provisioning: { autoCreateUsers: true } })).statusCode, 200)
    const body = (await dryRun(app, sid)).json()
    t.match(body, { then: { code: 'PG_ERR_USER_UNKNOWN' }, now: { outcome: 'provisioned', user: 'would be created' } })
    t.match(step(body, 'user'), { then: /refused: unknown user/, now: /would be created/, changed: true })
  })

  t.test('identity profile required a missing field, then no longer', async (t) => {
    const { customer, sid, code } = await recordedSession(app, { identityProfile: { preset: 'generic', require: ['costCenter'] } })
    t.equal(code, 400)
    t.equal((await patchCustomer(app, customer.id, { identityProfile: 'generic' })).statusCode, 200)
    const body = (await dryRun(app, sid)).json()
    t.match(body, { then: { code: 'PG_ERR_IDENTITY_MISSING' }, now: { outcome: 'provisioned' } })
    t.match(step(body, 'identity'), { then: /^missing/, now: /^extracted/, changed: true })
  })

  t.test('still failing: the role is still rejected, and the diff says nothing changed', async (t) => {
    const { sid } = await recordedSession(app, { provisioning: { unknownRoles: 'reject' } }, { extrinsics: [['UniqueName', 'bo'], ['Role', 'Auditor']] })
    const body = (await dryRun(app, sid)).json()
    t.match(body, { then: { code: 'PG_ERR_ROLE_REJECTED' }, now: { outcome: 'refused', code: 'PG_ERR_ROLE_REJECTED' } })
    t.notOk(body.steps.some((s: { changed: boolean }) => s.changed), 'no step changed')
  })

  t.test('newly failing: the credential was revoked since; the secret itself is not checked', async (t) => {
    const { customer, sid, code } = await recordedSession(app, {})
    t.equal(code, 200)
    const credentials = await call(app, 'GET', `/api/customers/${customer.id}/credentials`)
    const revoke = await call(app, 'POST', `/api/customers/${customer.id}/credentials/${credentials.json()[0].id}/revoke`, adminHeaders, {})
    t.equal(revoke.statusCode, 200, revoke.body)
    const body = (await dryRun(app, sid)).json()
    t.match(body, { then: { outcome: 'provisioned', user: 'created' }, now: { outcome: 'refused', code: 'PG_ERR_AUTH_BAD_SECRET' } })
    t.match(step(body, 'credential'), { now: /no active credential/, changed: true })
  })

  t.test('a session that succeeded replays as matched now: the user exists since', async (t) => {
    const { sid } = await recordedSession(app, {})
    const body = (await dryRun(app, sid)).json()
    t.match(body, { then: { outcome: 'provisioned', user: 'created' }, now: { outcome: 'provisioned', user: 'would be matched' } })
    t.match(step(body, 'outcome'), { then: 'session provisioned', now: 'session would be provisioned', changed: false })
  })
})
