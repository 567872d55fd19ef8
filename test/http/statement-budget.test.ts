import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { returnCart } from '../helpers/punchout.ts'
import { multipartRelated, orderRequest } from '../helpers/orders.ts'
import { statementsOf } from '../helpers/statements.ts'

/**
 * The hot paths' statement budgets (docs/architecture.md, "The write path"): every SQL statement
 * a request sends — BEGIN and COMMIT included — is counted on the ORM's connection. A budget
 * that grows fails here, so a new round trip on a hot path is a decision, not an accident.
 */

const setup = (app: FastifyInstance, extrinsics: Array<[string, string]>) => postCxml(app, setupRequest({ extrinsics }))
const person = (name: string): Array<[string, string]> => [['UserEmail', `${name}@buyer.example.com`], ['UniqueName', name]]

t.test('statement budgets of the hot paths', async (t) => {
  const app = await buildTestApp(t)
  const customer = await createCustomer(app.app)
  await addCredential(app.app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const ociCustomer = await createCustomer(app.app, { identityProfile: 'sap-oci' })
  await addCredential(app.app, ociCustomer.id, { protocol: 'oci', username: 'SRM-ACME', password: 'oci-pass-1234' })
  await setup(app.app, person('warm-up'))

  t.test('a returning user\'s setup: credential with customer, user with roles, one write', async (t) => {
    await setup(app.app, person('returning'))
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await setup(app.app, person('returning'))).body).code, 200))
    t.equal(sql.length, 3, sql.join('\n'))
  })

  t.test('a first-time user\'s setup: the email lock is taken only now, in a transaction', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await setup(app.app, person('first-time'))).body).code, 200))
    t.equal(sql.length, 6, sql.join('\n'))
    t.match(sql, ['select', 'select', 'BEGIN;', /pg_advisory_xact_lock/, /^with g as/, 'COMMIT;'])
  })

  t.test('a first-time user without an email: no lock, no transaction', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await setup(app.app, [['UniqueName', 'no-email']])).body).code, 200))
    t.equal(sql.length, 3, sql.join('\n'))
  })

  t.test('a refusal before authentication: the credential read and the journal row', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, setupRequest({ secret: 'wrong' }))).body).code, 401))
    t.equal(sql.length, 2, sql.join('\n'))
  })

  t.test('a refusal after authentication: the failed session is written with the journal row', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, setupRequest({ browserFormPost: 'https://elsewhere.example.org/' }))).body).code, 403))
    t.equal(sql.length, 2, sql.join('\n'))
  })

  t.test('the start link: one read, one conditional write', async (t) => {
    const path = new URL(cxmlAnswer((await setup(app.app, person('returning'))).body).startPage!).pathname
    const sql = await statementsOf(app, async () => t.equal((await app.app.inject({ method: 'GET', url: path })).statusCode, 302))
    t.equal(sql.length, 2, sql.join('\n'))
  })

  // The price read (src/domain/pricing/store.ts) is the one statement added for the price check
  // recorded on every cart return; it needs only the session id, so it runs beside the session
  // read rather than after it (docs/api.md, "Contract prices and price checks").
  t.test('a cart return: the session and the prices read side by side, one conditional write', async (t) => {
    const path = new URL(cxmlAnswer((await setup(app.app, person('returning'))).body).startPage!).pathname
    const claims = JSON.parse(Buffer.from(new URL((await app.app.inject({ method: 'GET', url: path })).headers.location as string).searchParams.get('assertion')!.split('.')[1]!, 'base64url').toString())
    const items = [{ sku: 'A-1', quantity: 2, unitPrice: 3.5, currency: 'EUR', description: 'Item', unitOfMeasure: 'EA' }]
    const sql = await statementsOf(app, async () => t.equal((await returnCart(app.app, claims.sid, items, 'application/json')).statusCode, 200))
    t.equal(sql.length, 3, sql.join('\n'))
  })

  t.test('an OCI login of a returning user: as a cXML setup', async (t) => {
    const params = new URLSearchParams({ USERNAME: 'SRM-ACME', PASSWORD: 'oci-pass-1234', HOOK_URL: 'https://buyer.example.com/hook', 'SY-UNAME': 'RETURNING', USER_EMAIL: 'returning@buyer.example.com' })
    await app.app.inject({ method: 'GET', url: `/punchout/oci?${params}` })
    const sql = await statementsOf(app, async () => t.equal((await app.app.inject({ method: 'GET', url: `/punchout/oci?${params}` })).statusCode, 303))
    t.equal(sql.length, 3, sql.join('\n'))
  })

  // The customer's prices of the ordered SKUs (src/domain/pricing/store.ts, forCustomer) are the
  // one statement added for the price check of every OrderRequest; they need only the
  // authenticated customer, so they are read beside the order context rather than after it
  // (docs/cxml.md, "OrderRequest").
  t.test('an OrderRequest: credential with customer, the order context and the prices side by side, one write', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, orderRequest({ payloadID: 'budget-po@buyer', orderID: 'BUDGET-1' }))).body).code, 200))
    t.equal(sql.length, 4, sql.join('\n'))
    t.match(sql, ['select', 'select', 'select', /^with j as/])
  })

  t.test('a repeated OrderRequest: the same three reads, then only its journal row', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, orderRequest({ payloadID: 'budget-po@buyer', orderID: 'BUDGET-1' }))).body).code, 200))
    t.equal(sql.length, 4, sql.join('\n'))
  })

  // Updates and deletes of one order take turns on a transaction lock (docs/cxml.md, "Updates
  // one at a time"); new orders, the common case, do not pay for it.
  t.test('an update: the same three reads, then the order lock and the one write in a transaction', async (t) => {
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, orderRequest({ payloadID: 'budget-po-v2@buyer', orderID: 'BUDGET-1', type: 'update' }))).body).code, 200))
    t.equal(sql.length, 7, sql.join('\n'))
    t.match(sql, ['select', 'select', 'select', 'BEGIN;', /pg_advisory_xact_lock/, /^with j as/, 'COMMIT;'])
  })

  t.test('a multipart OrderRequest with attachments: the same four statements as text/xml', async (t) => {
    const { body, contentType } = multipartRelated([
      { headers: { 'Content-Type': 'text/xml', 'Content-ID': '<po@buyer>' }, body: orderRequest({ payloadID: 'budget-mp@buyer', orderID: 'BUDGET-MP', attachmentUrls: ['cid:a@buyer', 'cid:b@buyer'] }) },
      { headers: { 'Content-Type': 'application/pdf', 'Content-ID': '<a@buyer>' }, body: '%PDF-1.4' },
      { headers: { 'Content-Type': 'text/plain', 'Content-ID': '<b@buyer>' }, body: 'notes' },
    ])
    const sql = await statementsOf(app, async () => t.equal(cxmlAnswer((await postCxml(app.app, body, contentType)).body).code, 200))
    t.equal(sql.length, 4, sql.join('\n'))
  })
})
