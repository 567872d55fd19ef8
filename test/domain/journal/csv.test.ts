import t from 'tap'
import { csvCell, csvRecord } from '../../../src/domain/journal/csv.ts'

t.test('cells that a spreadsheet would run as a formula get a leading apostrophe', async (t) => {
  for (const [value, expected] of [
    ['=1+1', "'=1+1"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['a=1', 'a=1'],
    ['jane@buyer.example.com', 'jane@buyer.example.com'],
  ] as const) t.equal(csvCell(value), expected, JSON.stringify(value))
})

t.test('RFC 4180: commas, quotes and line breaks are quoted, quotes doubled; null is an empty cell', async (t) => {
  t.equal(csvCell('plain'), 'plain')
  t.equal(csvCell('a,b'), '"a,b"')
  t.equal(csvCell('say "hi"'), '"say ""hi"""')
  t.equal(csvCell('two\nlines'), '"two\nlines"')
  t.equal(csvCell(''), '')
  t.equal(csvCell(null), '')
  t.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`, 'neutralized, then quoted')
  t.equal(csvRecord(['a', null, 'b,c']), 'a,,"b,c"\r\n', 'a record ends with CRLF')
})
