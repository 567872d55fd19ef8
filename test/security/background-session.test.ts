import t from 'tap'
import { JournalEntry } from '../../src/persistence/entities/index.ts'
import { loginParams, ociGet, ociTestApp, returnCart } from '../http/oci/oci-helpers.ts'

/** docs/architecture.md, "Session states": a session answered in the background is finished. */
t.test('E2 tenant-cross-cart (background session): an OCI BACKGROUND_SEARCH session takes no later cart', async (t) => {
  const app = await ociTestApp(t)
  const res = await ociGet(app.app, loginParams({ FUNCTION: 'BACKGROUND_SEARCH', SEARCHSTRING: 'gloves' }))
  t.equal(res.statusCode, 200)
  const entry = (await app.db.orm.em.fork().find(JournalEntry, { channel: 'oci', httpStatus: 200 }))[0]!
  const cart = await returnCart(app.app, entry.sessionId!, [{ sku: 'GLV-NIT-L', quantity: 1, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, size L', unitOfMeasure: 'BX' }])
  t.equal(cart.statusCode, 409)
  t.equal(cart.json().code, 'PG_ERR_SESSION_STATE')
})
