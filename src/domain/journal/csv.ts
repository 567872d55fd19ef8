/**
 * CSV as RFC 4180 writes it (https://www.rfc-editor.org/rfc/rfc4180): fields with a comma, quote,
 * CR or LF in double quotes, quotes doubled, CRLF between records.
 *
 * A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR before one) as a
 * formula, and these cells hold what buyers' systems sent (a BuyerCookie, a name). Such a cell
 * gets a leading `'`, which spreadsheets show as text (OWASP, "CSV Injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/

export function csvCell(value: string | null): string {
  if (value === null) return ''
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export const csvRecord = (values: ReadonlyArray<string | null>): string => `${values.map(csvCell).join(',')}\r\n`
