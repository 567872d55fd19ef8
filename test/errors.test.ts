import { readFileSync } from 'node:fs'
import t from 'tap'
import { ERRORS, PunchgateError } from '../src/errors/index.ts'

t.test('every error code has its row in docs/errors.md', async (t) => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
  for (const [code, e] of Object.entries(ERRORS)) t.match(doc, `| \`${code}\` | ${e.http} | ${e.cxml} |`, code)
})

t.test('unexposed errors show only their generic summary', async (t) => {
  const err = new PunchgateError('PG_ERR_INTERNAL', 'select * from secrets failed at db.ts:12')
  t.equal(err.publicMessage, ERRORS.PG_ERR_INTERNAL.summary)
  t.equal(new PunchgateError('PG_ERR_CART_INVALID', 'Two currencies').publicMessage, 'Two currencies')
})
