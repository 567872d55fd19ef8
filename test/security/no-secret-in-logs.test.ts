import t from 'tap'
import { JournalEntry, SessionEvent } from '../../src/persistence/entities/index.ts'
import { ADMIN_TOKEN, buildTestApp, STOREFRONT_TOKEN } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'
import { returnCart } from '../helpers/punchout.ts'

/**
 * Security plan H1 (docs/security.md): after a whole day's traffic — setup, start link, storefront
 * login, cart, order, OCI login, and the same with wrong secrets — no secret, password or token
 * that went over the wire is in a log line, a journal row, a session event or an error answer.
 */
t.test('H1 no-secret-in-logs: a journey with right and wrong secrets leaves none in logs, journal or error answers', async (t) => {
  const app = await buildTestApp(t)
  const customer = await createCustomer(app.app)
  const secret = 'H1-shared-SECRET-5b1d'
  const ociPassword = 'H1-oci-PASSWORD-77c2'
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: secret })
  const sapCustomer = await createCustomer(app.app, { identityProfile: 'sap-oci' })
  await addCredential(app.app, sapCustomer.id, { protocol: 'oci', username: 'H1-OCI', password: ociPassword })
  const wrong = { secret: 'H1-wrong-SECRET-0e9a', password: 'H1-wrong-PASSWORD-4f10' }
  const errorBodies: string[] = []

  const setup = await postCxml(app.app, setupRequest({ secret, payloadID: 'h1-setup@buyer' }))
  const startPage = cxmlAnswer(setup.body).startPage!
  const startToken = startPage.split('/').pop()!
  const start = await app.app.inject({ method: 'GET', url: new URL(startPage).pathname })
  const shopLogin = new URL(start.headers.location as string)
  const assertion = shopLogin.searchParams.get('assertion')!
  t.equal((await app.app.inject({ method: 'GET', url: `${shopLogin.pathname}${shopLogin.search}` })).statusCode, 303, 'the storefront login took the assertion')
  const sid = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()).sid as string
  const cart = await returnCart(app.app, sid, [{ sku: 'A-1', quantity: 1, unitPrice: 3.5, currency: 'EUR', description: 'Item', unitOfMeasure: 'EA' }])
  t.equal(cart.statusCode, 200)
  t.equal(cxmlAnswer((await postCxml(app.app, orderRequest({ payloadID: 'h1-order@buyer', orderID: 'H1-PO', secret }))).body).code, 200)
  const oci = await app.app.inject({ method: 'GET', url: `/punchout/oci?USERNAME=H1-OCI&PASSWORD=${ociPassword}&HOOK_URL=https://buyer.example.com/punchout/return&SY-UNAME=H1&USER_EMAIL=h1@buyer.example.com&USER_NAME=H1` })
  t.equal(oci.statusCode, 303)

  for (const res of [
    await postCxml(app.app, setupRequest({ secret: wrong.secret })),
    await postCxml(app.app, orderRequest({ payloadID: 'h1-wrong@buyer', orderID: 'H1-X', secret: wrong.secret })),
    await postCxml(app.app, setupRequest({ secret }).replace('</cXML>', '')),
    await app.app.inject({ method: 'GET', url: `/punchout/oci?USERNAME=H1-OCI&PASSWORD=${wrong.password}&HOOK_URL=https://buyer.example.com/punchout/return` }),
    await app.app.inject({ method: 'POST', url: '/punchout/oci', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `USERNAME=H1-OCI&PASSWORD=${wrong.password}` }),
    await app.app.inject({ method: 'GET', url: new URL(startPage).pathname }),
    await app.app.inject({ method: 'GET', url: `${shopLogin.pathname}${shopLogin.search}` }),
  ]) {
    t.ok(res.statusCode >= 400, `refused: ${res.statusCode}`)
    errorBodies.push(res.body)
  }

  const text = (row: object) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value))
  const journal = (await app.db.orm.em.fork().find(JournalEntry, {})).map((row) => text({ ...row, requestBody: row.requestBody ? Buffer.from(row.requestBody).toString('latin1') : null }))
  const events = (await app.db.orm.em.fork().find(SessionEvent, {})).map(text)
  t.ok(journal.length >= 10, `${journal.length} journal rows`)
  const places = { logs: app.logs.join('\n'), journal: journal.join('\n'), 'session events': events.join('\n'), 'error answers': errorBodies.join('\n') }
  const secrets = { secret, ociPassword, wrongSecret: wrong.secret, wrongPassword: wrong.password, startToken, assertion, ADMIN_TOKEN, STOREFRONT_TOKEN }
  for (const [where, text] of Object.entries(places)) {
    for (const [name, value] of Object.entries(secrets)) t.notOk(text.includes(value), `${name} is not in the ${where}`)
  }
  t.equal((await app.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})
