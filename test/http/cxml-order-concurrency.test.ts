import t from 'tap'
import { JournalEntry, Order } from '../../src/persistence/entities/index.ts'
import { buildTestApp, usingPostgres } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml } from '../helpers/fixtures.ts'
import { orderRequest } from '../helpers/orders.ts'

/**
 * Documents of one orderID arriving together (docs/cxml.md, "Updates one at a time"): whatever
 * the interleaving, exactly one version of an order is current (`received`) or, once deleted, none.
 */
const onPostgres = { skip: !usingPostgres() && 'PostgreSQL only (TEST_DATABASE_URL)' }

t.test('concurrent documents of one order', async (t) => {
  const { app, db } = await buildTestApp(t)
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const em = () => db.orm.em.fork()
  const versions = async (orderID: string) => (await em().find(Order, { customerId: customer.id, orderId: orderID })).map((o) => o.status).sort()
  const placed = async (orderID: string) => t.equal(cxmlAnswer((await postCxml(app, orderRequest({ payloadID: `${orderID}-v1@buyer`, orderID }))).body).code, 200)

  t.test('twenty updates with their own payloadIDs: all accepted, one after another, one current version', onPostgres, async (t) => {
    await placed('PO-UPD')
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => postCxml(app, orderRequest({ payloadID: `PO-UPD-u${i}@buyer`, orderID: 'PO-UPD', type: 'update', total: `${i + 1}.00` }))))
    t.same(answers.map((r) => cxmlAnswer(r.body).code), Array.from({ length: 20 }, () => 200))
    t.same(await versions('PO-UPD'), ['received', ...Array.from({ length: 20 }, () => 'replaced')])
  })

  t.test('twenty copies of one update: one version stored, twenty identical answers', onPostgres, async (t) => {
    await placed('PO-DUP')
    const body = orderRequest({ payloadID: 'PO-DUP-u1@buyer', orderID: 'PO-DUP', type: 'update', total: '9.00' })
    const answers = await Promise.all(Array.from({ length: 20 }, () => postCxml(app, body)))
    t.same(answers.map((r) => [r.statusCode, cxmlAnswer(r.body).code]), Array.from({ length: 20 }, () => [200, 200]))
    t.same(await versions('PO-DUP'), ['received', 'replaced'])
    t.equal(await em().count(Order, { payloadId: 'PO-DUP-u1@buyer' }), 1)
    t.equal(await em().count(JournalEntry, { payloadId: 'PO-DUP-u1@buyer' }), 20)
  })

  t.test('updates racing a delete: the order ends cancelled, no version left current', onPostgres, async (t) => {
    await placed('PO-DEL')
    const updates = Array.from({ length: 10 }, (_, i) => postCxml(app, orderRequest({ payloadID: `PO-DEL-u${i}@buyer`, orderID: 'PO-DEL', type: 'update' })))
    const [deleted, ...updated] = await Promise.all([postCxml(app, orderRequest({ payloadID: 'PO-DEL-d@buyer', orderID: 'PO-DEL', type: 'delete' })), ...updates])
    t.equal(cxmlAnswer(deleted!.body).code, 200)
    t.ok(updated.every((r) => [200, 409].includes(cxmlAnswer(r.body).code)), 'an update after the delete is refused as a change of a cancelled order')
    const statuses = await versions('PO-DEL')
    t.notOk(statuses.includes('received'))
    t.equal(statuses.length, 2 + updated.filter((r) => cxmlAnswer(r.body).code === 200).length)
  })

  t.test('an update of a version replaced meanwhile supersedes the newest one (sequential)', async (t) => {
    await placed('PO-SEQ')
    for (const i of [1, 2, 3]) {
      t.equal(cxmlAnswer((await postCxml(app, orderRequest({ payloadID: `PO-SEQ-u${i}@buyer`, orderID: 'PO-SEQ', type: 'update' }))).body).code, 200)
    }
    t.same(await versions('PO-SEQ'), ['received', 'replaced', 'replaced', 'replaced'])
    t.match(await em().findOneOrFail(Order, { orderId: 'PO-SEQ', status: 'received' }), { payloadId: 'PO-SEQ-u3@buyer' })
  })
})
