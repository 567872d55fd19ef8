/**
 * CSV as RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180) describes it: records separated by
 * CRLF (a lone LF is accepted too), fields separated by commas, a field in double quotes may hold
 * commas, line breaks and doubled quotes. Each record keeps the line it starts on, so a report
 * can name it.
 */
export interface CsvRecord {
  line: number
  fields: string[]
}

export class CsvError extends Error {
  constructor(readonly line: number, message: string) {
    super(message)
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let start = 1
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endRecord = () => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields })
    fields = []
    field = ''
  }
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++ }
      else if (c === '"') quoted = false
      else { if (c === '\n') line++; field += c }
    } else if (c === '"') {
      if (field !== '') throw new CsvError(line, 'a quote inside an unquoted field')
      quoted = true
    } else if (c === ',') { fields.push(field); field = '' }
    else if (c === '\r' && text[i + 1] === '\n') continue
    else if (c === '\n') { endRecord(); line++; start = line }
    else field += c
  }
  if (quoted) throw new CsvError(start, 'a quoted field is not closed')
  endRecord()
  return records
}
