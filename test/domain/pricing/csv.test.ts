import t from 'tap'
import { CsvError, parseCsv } from '../../../src/domain/pricing/csv.ts'

/** RFC 4180 CSV (src/domain/pricing/csv.ts): quoting, line breaks, and the line each record starts on. */

t.test('quoted fields hold commas, doubled quotes and line breaks; records keep their first line', async (t) => {
  const records = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\n\nlast,\n')
  t.same(records, [
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['x, y', 'say "hi"'] },
    { line: 3, fields: ['two\nlines', 'z'] },
    { line: 6, fields: ['last', ''] },
  ])
})

t.test('an unclosed quote is an error naming its line', async (t) => {
  t.throws(() => parseCsv('a\n"open,b\n'), new CsvError(2, 'a quoted field is not closed'))
  t.throws(() => parseCsv('a\nx"y\n'), { line: 2, message: 'a quote inside an unquoted field' })
})
