import { readdirSync } from 'node:fs'
import path from 'node:path'
import t, { type Test } from 'tap'
import { BuyerUser, Order, PunchoutSession } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { assertValidCxml } from '../helpers/cxml-dtd.ts'
import { FIXTURES, addCredential, adminHeaders, createCustomer, cxmlAnswer, fixture, postCxml } from '../helpers/fixtures.ts'

/**
 * Every real request in the corpus gets the right answer from a customer configured the way its
 * buyer system would be: the From credential and secret it carries, its return host allowed.
 */
interface Case {
  file: string
  credential: { domain: string; identity: string; sharedSecret: string }
  customer?: Record<string, unknown>
  expect: number
  check?: (t: Test, body: string, ctx: { em: () => import('@mikro-orm/postgresql').SqlEntityManager; customerId: string }) => Promise<void>
}

const CASES: Case[] = [
  {
    file: 'ariba-profile-request-no-doctype.xml',
    credential: { domain: 'AribaNetworkUserId', identity: 'admin@acme.com', sharedSecret: 'abracadabra' },
    expect: 200,
    async check(t, body) {
      t.match(body, /<ProfileResponse effectiveDate="[^"]+">/)
      t.match(body, /<Transaction requestName="PunchOutSetupRequest">\s*<URL>https:\/\/gateway\.test\/punchout\/cxml<\/URL>/)
    },
  },
  {
    file: 'coupa-setup-create-extrinsics-rubytime-timestamp.xml',
    credential: { domain: 'DUNS', identity: 'coupa-t', sharedSecret: 'test' },
    customer: { identityProfile: 'coupa', returnUrlHosts: ['qa.coupahost.com'] },
    expect: 200,
    async check(t, _body, { em, customerId }) {
      const user = await em().findOneOrFail(BuyerUser, { customerId })
      t.match(user, { uniqueName: 'jim', email: 'jim@coupa.com', displayName: 'Jim Halpert', businessUnit: 'COUPA' })
    },
  },
  {
    file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml',
    credential: { domain: 'NetworkId', identity: '080230982', sharedSecret: '805422672' },
    customer: { returnUrlHosts: ['localhost:3000'] },
    expect: 200,
    async check(t, _body, { em, customerId }) {
      const user = await em().findOneOrFail(BuyerUser, { customerId })
      t.ok(user.email?.includes('@'))
      t.ok(user.displayName)
    },
  },
  {
    file: 'generic-setup-edit-shape-selecteditem-itemout.xml',
    credential: { domain: 'NetworkId', identity: 'inbound@prominate-platform.com', sharedSecret: 's3cr3t' },
    customer: { returnUrlHosts: ['prominate-platform.com'] },
    expect: 200,
    async check(t, _body, { em, customerId }) {
      const session = await em().findOneOrFail(PunchoutSession, { customerId, status: { $ne: 'failed' } }, { orderBy: { createdAt: 'desc' } })
      t.equal(session.deploymentMode, 'test')
      t.ok(session.selectedSku)
    },
  },
  ...['iesa-setup-create-minimal-whitespace-urls.xml', 'iesa-setup-create-shipto-whitespace-urls.xml'].flatMap((file): Case[] => [
    {
      file,
      credential: { domain: 'DUNS', identity: 'punchout@test.com', sharedSecret: '{shared secret in here}' },
      customer: { returnUrlHosts: ['http://return_to_supplier_url.com'] },
      expect: 400,
      async check(t, body) {
        t.match(cxmlAnswer(body).detail, /does not identify the buyer: no unique name or email\. Looked in: .*Extrinsic "UserEmail"/)
      },
    },
    {
      file,
      credential: { domain: 'DUNS', identity: 'punchout@test.com', sharedSecret: '{shared secret in here}' },
      customer: { returnUrlHosts: ['http://return_to_supplier_url.com'], provisioning: { allowUnidentifiedBuyers: true } },
      expect: 200,
      async check(t, _body, { em, customerId }) {
        const session = await em().findOneOrFail(PunchoutSession, { customerId, status: { $ne: 'failed' } }, { orderBy: { createdAt: 'desc' } })
        t.same(session.flags, ['unidentified-buyer'])
        t.equal(session.returnUrl, 'http://return_to_supplier_url.com/')
        const user = await em().findOneOrFail(BuyerUser, { id: session.userId! })
        t.match(user.displayName, /^Unidentified buyer of /)
      },
    },
  ]),
  ...[
    ['coupa-orderrequest-new-1.2.014.xml', 'NetworkID', 'kasdflkjasdf', 'alsdkfjalksdjflaksjdfklj', '3309'],
    ['generic-orderrequest-new-deploymenttest-multi-item.xml', 'NetworkId', 'inbound@prominate-platform.com', 'coyote', 'DO1234'],
  ].map(([file, domain, identity, sharedSecret, orderID]): Case => ({
    file: file!,
    credential: { domain: domain!, identity: identity!, sharedSecret: sharedSecret! },
    expect: 200,
    async check(t, body, { em, customerId }) {
      t.equal(cxmlAnswer(body).text, 'OK')
      t.equal(await em().count(Order, { customerId, orderId: orderID! }), 1, 'stored once')
    },
  })),
  ...[
    ['officedepot-confirmation-request-detail.xml', 'NetworkID', 'AN01000000147', 'welcome'],
    ['generic-shipnotice-fulfill-dtd.xml', 'NetworkId', 'AN00000123', 'abracadabra'],
  ].map(([file, domain, identity, sharedSecret]): Case => ({
    file: file!,
    credential: { domain: domain!, identity: identity!, sharedSecret: sharedSecret! },
    expect: 406,
    async check(t, body) {
      t.match(cxmlAnswer(body).detail, /is not supported by this gateway/)
    },
  })),
]

// An OrderRequest added to the corpus without its case here would go unproven.
t.test('every OrderRequest of the corpus has a case answered 200 once and the same on a repeat', async (t) => {
  const orders = readdirSync(path.join(FIXTURES, 'cxml')).filter((f) => f.endsWith('.xml') && /<OrderRequest[\s>]/.test(fixture(`cxml/${f}`).toString('utf8')))
  t.ok(orders.length >= 2)
  t.same(orders.sort(), CASES.filter((c) => c.expect === 200 && /<OrderRequest[\s>]/.test(fixture(`cxml/${c.file}`).toString('utf8'))).map((c) => c.file).sort())
})

// One gateway for the whole corpus (building one costs seconds); a customer per credential.
t.test('the corpus', async (t) => {
  const { app, db } = await buildTestApp(t)
  const em = () => db.orm.em.fork()
  const customers = new Map<string, { id: string; secrets: Set<string> }>()
  for (const c of CASES) {
    const key = `${c.credential.domain}|${c.credential.identity}`
    const known = customers.get(key) ?? { id: (await createCustomer(app, { ...c.customer, provisioning: {} })).id, secrets: new Set<string>() }
    customers.set(key, known)
    // Two samples share an identity with different secrets: both stay valid, as during a rotation.
    if (!known.secrets.has(c.credential.sharedSecret)) {
      await addCredential(app, known.id, { protocol: 'cxml', ...c.credential })
      known.secrets.add(c.credential.sharedSecret)
    }
    const customerId = known.id
    await app.inject({ method: 'PATCH', url: `/api/customers/${customerId}`, headers: adminHeaders, payload: { provisioning: { allowUnidentifiedBuyers: false, ...(c.customer?.provisioning ?? {}) } } })
    await t.test(`${c.file}${c.customer?.provisioning ? ' (unidentified buyers allowed)' : ''} → ${c.expect}`, async (t) => {
      const res = await postCxml(app, fixture(`cxml/${c.file}`), 'text/xml')
      t.equal(cxmlAnswer(res.body).code, c.expect, cxmlAnswer(res.body).detail)
      await assertValidCxml(t, res.body)
      await c.check?.(t, res.body, { em, customerId })
      if (c.expect === 200 && /OrderRequest/.test(c.file)) {
        const repeat = await postCxml(app, fixture(`cxml/${c.file}`), 'text/xml')
        t.same(cxmlAnswer(repeat.body), cxmlAnswer(res.body), 'a repeat gets the same answer')
        await c.check?.(t, repeat.body, { em, customerId })
      }
    })
  }

  for (const file of ['generic-poom-cdata-shortname-duns.xml', 'globalindustrial-poom-edit-single-item.xml', 'generic-setup-response-200.xml']) {
    await t.test(`${file} is not a request: a cXML refusal, not a crash`, async (t) => {
      const res = await postCxml(app, fixture(`cxml/${file}`), 'text/xml')
      t.ok([400, 406].includes(cxmlAnswer(res.body).code))
      await assertValidCxml(t, res.body)
    })
  }
})
