import t from 'tap'
import { LAST_SEEN_GRANULARITY_MS, decideProvisioning, type ProvisioningInput } from '../../../src/domain/provisioning/provision.ts'
import { parsePolicy } from '../../../src/domain/provisioning/policy.ts'
import { Timeline } from '../../../src/domain/sessions/timeline.ts'
import type { BuyerUser, Customer, CustomerRole } from '../../../src/persistence/entities/index.ts'

/** The provisioning decision is plain code: these tests need no database, only its inputs. */
const NOW = new Date('2026-11-23T10:00:00Z')
const customer = { id: 'c-1', name: 'Acme Corp' } as Customer
const user = (over: Partial<BuyerUser> = {}): BuyerUser => ({
  id: 'u-1', customerId: 'c-1', uniqueName: 'jane', email: 'jane@acme.example', displayName: 'Jane', roles: ['buyer'],
  status: 'active', unidentified: false, createdAt: NOW, updatedAt: NOW, lastSeenAt: new Date(NOW.getTime() - 60_000), ...over,
})
const role = (name: string, over: Partial<CustomerRole> = {}): CustomerRole => ({
  id: `r-${name}`, customerId: 'c-1', name, nameKey: name.toLowerCase(), status: 'mapped', permissions: ['browse', 'add_to_cart'],
  spendLimit: null, createdAt: NOW, updatedAt: NOW, ...over,
})
const decide = (over: Partial<ProvisioningInput> = {}) => {
  const timeline = new Timeline(() => NOW)
  const decision = decideProvisioning({
    customer, policy: parsePolicy({}), identity: { uniqueName: 'jane', email: 'jane@acme.example', displayName: 'Jane', roles: ['buyer'] },
    found: { user: user(), roles: [role('buyer')] }, now: NOW, secondLook: false, ...over,
  }, timeline)
  return { decision, types: timeline.events.map((e) => e.type) }
}

t.test('a returning buyer whose profile is unchanged and was seen recently changes nothing on the user', async (t) => {
  const { decision, types } = decide()
  t.notOk(decision.userChanges)
  t.notOk(decision.newUser)
  t.same(decision.pendingRoles, [])
  t.same(types, ['user.matched', 'role.matched', 'permissions.granted'])
})

t.test('"last seen" is noted again once it is older than its granularity', async (t) => {
  const { decision } = decide({ found: { user: user({ lastSeenAt: new Date(NOW.getTime() - LAST_SEEN_GRANULARITY_MS) }), roles: [role('buyer')] } })
  t.same(decision.userChanges, { lastSeenAt: NOW })
})

t.test('a changed profile field is an update, with before and after on the timeline', async (t) => {
  const { decision, types } = decide({ identity: { uniqueName: 'jane', email: 'jane.new@acme.example', roles: ['buyer'] } })
  t.match(decision.userChanges, { email: 'jane.new@acme.example', updatedAt: NOW, lastSeenAt: NOW })
  t.ok(types.includes('user.updated'))
})

t.test('an unknown buyer is a new user: the write\'s gate, with the requested roles', async (t) => {
  const { decision, types } = decide({ found: { roles: [role('buyer')] } })
  t.match(decision.newUser, { uniqueName: 'jane', email: 'jane@acme.example', roles: ['buyer'], status: 'active' })
  t.equal(decision.user.id, decision.newUser!.id)
  t.same(types.slice(0, 1), ['user.created'])
})

t.test('the second look after a lost creation race matches the winner\'s user and says so', async (t) => {
  const { decision } = decide({ secondLook: true })
  t.notOk(decision.newUser)
  t.equal(decision.user.id, 'u-1')
})

t.test('an unknown role becomes a pending role to create, granted the default permissions', async (t) => {
  const { decision } = decide({ identity: { uniqueName: 'jane', roles: ['Approver-EMEA'] } })
  t.match(decision.pendingRoles, [{ name: 'Approver-EMEA', nameKey: 'approver-emea', status: 'pending', permissions: ['browse', 'add_to_cart'] }])
  t.match(decision.roles, [{ name: 'Approver-EMEA', status: 'pending' }])
})

t.test('refusals throw with their code: rejected role, disabled user, unknown user without auto-creation', async (t) => {
  t.throws(() => decide({ policy: parsePolicy({ unknownRoles: 'reject' }), identity: { uniqueName: 'jane', roles: ['X'] } }), { code: 'PG_ERR_ROLE_REJECTED' })
  t.throws(() => decide({ found: { user: user({ status: 'disabled' }), roles: [] } }), { code: 'PG_ERR_USER_DISABLED' })
  t.throws(() => decide({ policy: parsePolicy({ autoCreateUsers: false }), found: { roles: [] } }), { code: 'PG_ERR_USER_UNKNOWN' })
})

t.test('a user found by email (renamed unique name) is matched and renamed', async (t) => {
  const { decision, types } = decide({ identity: { uniqueName: 'jane.doe', email: 'jane@acme.example', roles: ['buyer'] }, found: { userByEmail: user(), roles: [role('buyer')] } })
  t.equal(decision.user.id, 'u-1')
  t.match(decision.userChanges, { uniqueName: 'jane.doe' })
  t.ok(types.includes('user.matched_by_email'))
})

t.test('the spend limit is the highest of the mapped roles', async (t) => {
  const { decision } = decide({
    identity: { uniqueName: 'jane', roles: ['buyer', 'approver'] },
    found: { user: user({ roles: ['buyer', 'approver'] }), roles: [role('buyer', { spendLimit: '500.00' }), role('approver', { spendLimit: '5000.00' })] },
  })
  t.equal(decision.spendLimit, '5000.00')
})
