import t from 'tap'
import { buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { returnCart, seedCatalog } from '../../helpers/punchout.ts'
import { AuditEntry, ContractPrice } from '../../../src/persistence/entities/index.ts'
import { auditCount, call, customerWithBuyer, tokenFor } from './accounts-helpers.ts'

/**
 * Contract prices and price checks (docs/api.md): managing prices per customer, the CSV import
 * and its report, the price check recorded on every cart return, and the price lookup.
 * The test clock stands at 2026-11-23.
 */
const app = await buildTestApp(t)
await seedCatalog(app.db.orm.em.fork())
const em = () => app.db.orm.em.fork()
const a = await customerWithBuyer(app)
const b = await customerWithBuyer(app)
const A = a.customer.id
const B = b.customer.id
const prices = (id: string) => `/api/customers/${id}/prices`
const csv = (id: string, body: string, query = '') =>
  app.app.inject({ method: 'POST', url: `${prices(id)}/import${query}`, headers: { ...adminHeaders, 'content-type': 'text/csv', 'x-audit-reason': 'price list 2027' }, payload: body })
const HEADER = 'sku,unit_price,currency,valid_from,valid_to,min_quantity\n'

t.test('an admin adds, changes and deletes a contract price, each write audited with its reason', async (t) => {
  const headers = { ...adminHeaders, 'x-audit-reason': 'contract renewal' }
  const created = await call(app, 'POST', prices(A), headers, { sku: 'PAP-A4-80', unitPrice: '4.60', currency: 'EUR', validTo: '2026-12-31' })
  t.equal(created.statusCode, 201, created.body)
  t.match(created.json(), { sku: 'PAP-A4-80', unitPrice: '4.60', currency: 'EUR', validFrom: null, validTo: '2026-12-31', minQuantity: '0' })
  const id = created.json().id
  const changed = await call(app, 'PUT', `${prices(A)}/${id}`, headers, { sku: 'PAP-A4-80', unitPrice: 4.5, currency: 'EUR', validTo: '2026-12-31' })
  t.equal(changed.json().unitPrice, '4.50')
  t.equal((await call(app, 'DELETE', `${prices(A)}/${id}`, headers)).statusCode, 204)
  t.equal(await em().count(ContractPrice, { id }), 0)
  const entries = await em().find(AuditEntry, { targetId: id }, { orderBy: { at: 'asc', id: 'asc' } })
  t.same(entries.map((e) => e.action).sort(), ['contract_price.create', 'contract_price.delete', 'contract_price.update'])
  t.ok(entries.every((e) => e.reason === 'contract renewal' && e.actor === 'bootstrap-admin' && e.customerId === A))
})

t.test('bad input is refused and changes nothing', async (t) => {
  const before = await auditCount(app)
  for (const [body, code] of [
    [{ sku: 'PAP-A4-80', unitPrice: '-1', currency: 'EUR' }, 'PG_ERR_API_VALIDATION'],
    [{ sku: 'PAP-A4-80', unitPrice: '1.23456', currency: 'EUR' }, 'PG_ERR_API_VALIDATION'],
    [{ sku: 'PAP-A4-80', unitPrice: '1', currency: 'eur' }, 'PG_ERR_API_VALIDATION'],
    [{ sku: 'PAP-A4-80', unitPrice: '1', currency: 'EUR', validFrom: '2027-01-02', validTo: '2027-01-01' }, 'PG_ERR_API_VALIDATION'],
    [{ sku: 'NO-SUCH-SKU', unitPrice: '1', currency: 'EUR' }, 'PG_ERR_API_VALIDATION'],
  ] as const) {
    const res = await call(app, 'POST', prices(A), adminHeaders, body)
    t.equal(res.json().code, code, JSON.stringify(body))
  }
  t.equal(await auditCount(app), before)
  t.equal(await em().count(ContractPrice, { customerId: A }), 0)
})

t.test('an overlapping price is refused; a quantity break or the next period is not', async (t) => {
  const first = await call(app, 'POST', prices(A), adminHeaders, { sku: 'GLV-NIT-L', unitPrice: '10.95', currency: 'EUR', validTo: '2026-12-31' })
  t.equal(first.statusCode, 201)
  const overlap = await call(app, 'POST', prices(A), adminHeaders, { sku: 'GLV-NIT-L', unitPrice: '10.00', currency: 'EUR', validFrom: '2026-12-31' })
  t.equal(overlap.statusCode, 409)
  t.match(overlap.json().message, /overlaps the price of GLV-NIT-L/)
  t.equal((await call(app, 'POST', prices(A), adminHeaders, { sku: 'GLV-NIT-L', unitPrice: '9.90', currency: 'EUR', validTo: '2026-12-31', minQuantity: 10 })).statusCode, 201)
  t.equal((await call(app, 'POST', prices(A), adminHeaders, { sku: 'GLV-NIT-L', unitPrice: '11.20', currency: 'EUR', validFrom: '2027-01-01' })).statusCode, 201)
  const list = (await call(app, 'GET', `${prices(A)}?sku=GLV-NIT-L`)).json()
  t.same(list.map((p: { unitPrice: string }) => p.unitPrice), ['10.95', '11.20', '9.90'])
})

t.test('a scoped token reaches only its customers\' prices; an auditor reads but does not write', async (t) => {
  const { headers } = await tokenFor(app, 'admin', [A])
  const auditor = await tokenFor(app, 'auditor')
  const before = await auditCount(app)
  for (const [method, url, body] of [
    ['GET', prices(B)], ['POST', prices(B), { sku: 'PAP-A4-80', unitPrice: '1', currency: 'EUR' }],
    ['GET', `${prices(B)}/lookup?sku=PAP-A4-80`],
  ] as const) t.equal((await call(app, method, url, headers, body)).statusCode, 404, `${method} ${url}`)
  t.equal((await call(app, 'GET', prices(A), auditor.headers)).statusCode, 200)
  t.equal((await call(app, 'POST', prices(A), auditor.headers, { sku: 'PAP-A4-80', unitPrice: '1', currency: 'EUR' })).statusCode, 403)
  t.equal(await auditCount(app), before)
})

t.test('a CSV import adds the valid rows in one go and reports the others by line', async (t) => {
  const body = HEADER + [
    'PAP-A4-80,4.60,EUR,,2026-12-31,',
    'PAP-A4-80,4.20,EUR,,2026-12-31,50',
    '"CBL-CAT6-3M","3,95",EUR,,,',
    'NO-SUCH,1.00,EUR,,,',
    'PEN-BLU-12,3.50,eur,,,',
    'PAP-A4-80,4.55,EUR,2026-12-01,,',
    'PEN-BLU-12,3.50,EUR,2027-02-30,,',
    'PEN-BLU-12,3.50,EUR',
  ].join('\r\n') + '\r\n'
  const dry = await csv(A, body, '?dryRun=true')
  t.equal(dry.statusCode, 200, dry.body)
  t.equal(dry.json().imported, 2)
  t.equal(await em().count(ContractPrice, { customerId: A, sku: 'PAP-A4-80' }), 0, 'a dry run writes nothing')
  const res = await csv(A, body)
  t.same(res.json().rejected.map((r: { line: number }) => r.line), [4, 5, 6, 7, 8, 9])
  const reasons = res.json().rejected.map((r: { reason: string }) => r.reason)
  t.match(reasons, [/unit_price/, /unknown SKU NO-SUCH/, /currency/, /overlaps/, /valid_from/, /3 fields, expected 6/])
  t.same({ imported: res.json().imported, dryRun: res.json().dryRun }, { imported: 2, dryRun: false })
  t.equal(await em().count(ContractPrice, { customerId: A, sku: 'PAP-A4-80' }), 2)
  const entry = await em().findOneOrFail(AuditEntry, { action: 'contract_price.import', targetId: A })
  t.same([entry.reason, entry.after], ['price list 2027', { imported: 2, rejected: 6 }])
})

t.test('a CSV without the header, or malformed, is refused whole', async (t) => {
  t.match((await csv(B, 'sku,price\nPAP-A4-80,1\n')).json(), { code: 'PG_ERR_API_VALIDATION', message: /header/ })
  t.match((await csv(B, `${HEADER}"PAP-A4-80,1,EUR,,,\n`)).json(), { code: 'PG_ERR_API_VALIDATION', message: /line 2/ })
  t.equal(await em().count(ContractPrice, { customerId: B }), 0)
})

t.test('a customer\'s price tolerance and policy are set through the customer API', async (t) => {
  t.match((await call(app, 'GET', `/api/customers/${B}`)).json(), { priceTolerance: 0, pricePolicy: 'record' })
  const res = await call(app, 'PATCH', `/api/customers/${B}`, adminHeaders, { priceTolerance: 0.5, pricePolicy: 'refuse' })
  t.match(res.json(), { priceTolerance: 0.5, pricePolicy: 'refuse' })
  t.equal((await call(app, 'PATCH', `/api/customers/${B}`, adminHeaders, { priceTolerance: 0.555 })).statusCode, 400)
  t.equal((await call(app, 'PATCH', `/api/customers/${B}`, adminHeaders, { pricePolicy: 'block' })).statusCode, 400)
})

t.test('a cart return puts its price check on the session timeline, in the same write: the counts and the lines that do not agree', async (t) => {
  const items = [
    { sku: 'PAP-A4-80', quantity: 2, unitPrice: 4.6, currency: 'EUR', description: 'Paper', unitOfMeasure: 'PK' },
    { sku: 'PAP-A4-80', quantity: 60, unitPrice: 4.6, currency: 'EUR', description: 'Paper', unitOfMeasure: 'PK' },
    { sku: 'PEN-BLU-12', quantity: 1, unitPrice: 3.9, currency: 'EUR', description: 'Pens', unitOfMeasure: 'BX' },
    { sku: 'NOT-IN-CATALOG', quantity: 1, unitPrice: 1, currency: 'EUR', description: 'Other', unitOfMeasure: 'EA' },
  ]
  t.equal((await returnCart(app.app, a.sid, items, 'application/json')).statusCode, 200)
  const timeline = (await call(app, 'GET', `/api/sessions/${a.sid}`)).json().timeline as Array<{ type: string; data: Record<string, unknown> }>
  const check = timeline.find((e) => e.type === 'cart.price_checked')!
  t.ok(check, 'the event is on the timeline')
  t.match(check.data, { day: '2026-11-23', policy: 'record', tolerancePercent: '0', checked: 4, mismatches: 1, unknown: 1 })
  t.match(check.data.lines, [
    { line: 2, result: 'mismatch', expected: { source: 'contract', unitPrice: '4.20', minQuantity: '50' }, deviationPercent: '9.52' },
    { line: 4, result: 'unknown', expected: { source: 'none' } },
  ], 'only the lines that do not agree')
  t.equal((check.data.lines as unknown[]).length, 2)
  t.equal(check.data.cartId, timeline.find((e) => e.type === 'cart.returned')!.data.cartId)
})

t.test('the lookup answers contract and list prices, the price in force and the price the buyer last saw', async (t) => {
  const res = await call(app, 'GET', `${prices(A)}/lookup?sku=PAP-A4-80`)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.match(body, {
    sku: 'PAP-A4-80', day: '2026-11-23', listPrice: { unitPrice: '5.49', currency: 'EUR' },
    inForce: { source: 'contract', unitPrice: '4.60' },
    lastSeen: { sessionId: a.sid, quantity: '60', unitPrice: '4.60', thenCheck: { result: 'mismatch' }, todayCheck: { result: 'mismatch', expected: { unitPrice: '4.20' } } },
  })
  t.same(body.contractPrices.map((p: { unitPrice: string; validToday: boolean }) => [p.unitPrice, p.validToday]), [['4.60', true], ['4.20', true]])
  const unseen = (await call(app, 'GET', `${prices(A)}/lookup?sku=CBL-CAT6-3M`)).json()
  t.match(unseen, { inForce: { source: 'list', unitPrice: '4.25' }, lastSeen: null, contractPrices: [] })
})

t.test('two overlapping prices sent at the same time: one is added, the other refused', async (t) => {
  const body = { sku: 'CBL-CAT6-3M', unitPrice: '3.80', currency: 'EUR', validFrom: '2027-03-01' }
  const answers = await Promise.all([call(app, 'POST', prices(B), adminHeaders, body), call(app, 'POST', prices(B), adminHeaders, { ...body, unitPrice: '3.70' })])
  t.same(answers.map((r) => r.statusCode).sort(), [201, 409])
  t.equal(await em().count(ContractPrice, { customerId: B, sku: 'CBL-CAT6-3M' }), 1)
})
