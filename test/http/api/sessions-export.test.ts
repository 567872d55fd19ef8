import t from 'tap'
import { STOREFRONT_TOKEN, buildTestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { FORMULA_COOKIE, get, query, seedJournal } from './sessions-fixture.ts'

/** Splits RFC 4180 CSV text into records of fields (quoted fields may hold commas, quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  const field = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|$)/gy
  let record: string[] = []
  let m: RegExpExecArray | null
  while (field.lastIndex < text.length && (m = field.exec(text))) {
    const raw = m[1]!
    record.push(raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw)
    if (m[2] !== ',') {
      records.push(record)
      record = []
    }
  }
  return records
}

t.test('GET /api/sessions/export', async (t) => {
  const app = await buildTestApp(t)
  const seed = await seedJournal(app)
  const exported = (params: Record<string, string>, headers: Record<string, string> = adminHeaders) =>
    app.app.inject({ method: 'GET', url: `/api/sessions/export?${query(params)}`, headers })
  const listed = (await get(app, '/api/sessions?limit=200')).body.items as Array<{ id: string }>

  t.test('NDJSON: one session summary per line, as the list shows them, in its order', async (t) => {
    const res = await exported({ format: 'ndjson' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'application/x-ndjson; charset=utf-8')
    t.match(res.headers['content-disposition'], /^attachment; filename="punchout-sessions-2026-11-23\.ndjson"$/)
    t.notOk(res.headers['content-length'], 'streamed: no length known up front')
    t.ok(res.body.endsWith('\n'))
    const lines = res.body.trimEnd().split('\n').map((l) => JSON.parse(l))
    t.same(lines, listed)
  })

  t.test('honours the filters', async (t) => {
    const res = await exported({ format: 'ndjson', customer: seed.globex.slug })
    t.same(res.body.trimEnd().split('\n').map((l) => JSON.parse(l).payloadId), [seed.payloadIds.bob])
    const none = await exported({ format: 'csv', customer: 'no-such-customer' })
    t.equal(none.statusCode, 200)
    t.equal(none.body.split('\r\n').length, 2, 'the header row alone')
  })

  t.test('C7 csv-formula-export: a header row, RFC 4180 quoting, CRLF, formula cells neutralized', async (t) => {
    const res = await exported({ format: 'csv' })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/csv; charset=utf-8')
    t.match(res.headers['content-disposition'], /^attachment; filename="punchout-sessions-2026-11-23\.csv"$/)
    t.ok(res.body.endsWith('\r\n'))
    t.notMatch(res.body.replace(/\r\n/g, ''), /\n/, 'records end with CRLF')
    const [header, ...records] = parseCsv(res.body)
    t.same(header, ['id', 'createdAt', 'customerId', 'customerSlug', 'customerName', 'userId', 'userEmail', 'userName', 'status', 'failureCode',
      'failureText', 'protocol', 'operation', 'payloadId', 'buyerCookie', 'startedAt', 'cartReturnedAt'])
    t.same(records.map((r) => r[0]), listed.map((s) => s.id))
    const bob = records.find((r) => r[13] === seed.payloadIds.bob)!
    t.equal(bob[14], `'${FORMULA_COOKIE}`, 'the formula gets a leading apostrophe, then quoting keeps its comma and quotes')
    t.equal(bob[4], 'Globex, "Intl"', 'a comma and quotes survive quoting')
    t.match(res.body, `"'=HYPERLINK(""https://evil.example/x"",""click""),1"`, 'the raw cell')
    const refused = records.find((r) => r[13] === seed.payloadIds.refused)!
    t.same([refused[8], refused[9], refused[5]], ['failed', 'PG_ERR_RETURN_URL_REFUSED', ''], 'no user: empty cells')
  })

  t.test('400 for a format or filter it does not know; a read token is needed', async (t) => {
    for (const params of [{ format: 'xlsx' }, { format: 'csv', status: 'lost' }, { format: 'csv', limit: '5' }] as Array<Record<string, string>>) {
      const res = await exported(params)
      t.equal(res.statusCode, 400, JSON.stringify(params))
      t.equal(res.json().code, 'PG_ERR_API_VALIDATION')
    }
    t.equal((await exported({ format: 'csv' }, { authorization: `Bearer ${STOREFRONT_TOKEN}` })).statusCode, 403)
  })
})
