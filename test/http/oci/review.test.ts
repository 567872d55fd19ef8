import t from 'tap'
import { BuyerUser, PunchoutSession } from '../../../src/persistence/entities/index.ts'
import { loginParams, ociGet, ociTestApp } from './oci-helpers.ts'

t.test('OCI calls that must change nothing, or close what they opened', async (t) => {
  const { app, db, customer } = await ociTestApp(t)
  const em = () => db.orm.em.fork()

  t.test('a HEAD (link preview) provisions nobody and mints no start link', async (t) => {
    const res = await app.inject({ method: 'HEAD', url: `/punchout/oci?${loginParams({}, { 'SY-UNAME': 'PREVIEW', USER_EMAIL: 'p@buyer.example.com' })}` })
    t.not(res.statusCode, 303)
    t.equal(await em().count(BuyerUser, { uniqueName: 'PREVIEW' }), 0)
  })

  t.test('a VALIDATE with a QUANTITY OCI cannot carry is refused before provisioning', async (t) => {
    const res = await ociGet(app, loginParams({ FUNCTION: 'VALIDATE', PRODUCTID: 'PAP-A4-80', QUANTITY: '0.0001' }, { 'SY-UNAME': 'V1', USER_EMAIL: 'v1@buyer.example.com' }))
    t.equal(res.statusCode, 400)
    t.equal(await em().count(BuyerUser, { customerId: customer.id, uniqueName: 'V1' }), 0)
    t.equal(await em().count(PunchoutSession, { customerId: customer.id, status: 'provisioned' }), 0, 'no session left open')
  })

  t.test('the stand-in name is reserved: a buyer cannot take over the unidentified-buyer user', async (t) => {
    const res = await ociGet(app, loginParams({}, { 'SY-UNAME': '~unidentified-buyer', USER_NAME: 'Mallory' }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /reserved/)
    t.equal(await em().count(BuyerUser, { uniqueName: '~unidentified-buyer' }), 0)
  })

  t.test('one request cannot create more than 50 roles', async (t) => {
    const roles = Array.from({ length: 51 }, (_, i) => `r${i}`).join(',')
    const res = await ociGet(app, loginParams({}, { 'SY-UNAME': 'ROLEFLOOD', USER_EMAIL: 'rf@buyer.example.com', ROLES: roles }))
    t.equal(res.statusCode, 400)
    t.match(res.body, /51 roles/)
  })

  t.test('NUL characters are refused with a clear page, not a 500', async (t) => {
    const people: Array<Record<string, string>> = [{ 'SY-UNAME': 'MU\u0000LLER' }, { 'SY-UNAME': 'OK', USER_NAME: 'Hans\u0000' }]
    for (const person of people) {
      const res = await ociGet(app, loginParams({}, person))
      t.equal(res.statusCode, 400, JSON.stringify(person))
      t.match(res.headers['content-type'], /^text\/html/)
    }
  })
})

t.test('repeated role fields all count, in the query and in a form body', async (t) => {
  const { app, db } = await ociTestApp(t)
  const roles = async (uniqueName: string) => (await db.orm.em.fork().findOneOrFail(BuyerUser, { uniqueName })).roles
  const params = loginParams({}, { 'SY-UNAME': 'MULTI1', USER_EMAIL: 'm1@buyer.example.com' })
  params.append('ROLE', 'alpha')
  params.append('ROLE', 'beta')
  t.equal((await ociGet(app, params)).statusCode, 303)
  t.same(await roles('MULTI1'), ['alpha', 'beta'])
  const body = loginParams({}, { 'SY-UNAME': 'MULTI2', USER_EMAIL: 'm2@buyer.example.com' })
  body.append('ROLE', 'gamma')
  body.append('ROLE', 'delta')
  const res = await app.inject({ method: 'POST', url: '/punchout/oci', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() })
  t.equal(res.statusCode, 303)
  t.same(await roles('MULTI2'), ['gamma', 'delta'])
})
