import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { ContractPrice, Product } from '../../persistence/entities/index.ts'
import { audit, type Actor } from '../audit/audit.ts'
import { CsvError, parseCsv, type CsvRecord } from './csv.ts'
import { withPriceLock } from './manage.ts'
import { firstConflict, type PriceEntry } from './price-list.ts'
import { CSV_COLUMNS, priceInputSchema, type PriceInput } from './price-input.ts'
import { contractEntries } from './store.ts'

/**
 * A CSV import of contract prices (docs/api.md, "Contract prices and price checks"): every valid
 * row is added in one transaction, every other row is reported with its line and reason and
 * changes nothing. A row conflicts with the customer's prices and with the rows before it.
 * A dry run checks and reports the same, and writes nothing.
 */

export interface ImportReport {
  imported: number
  rejected: Array<{ line: number; reason: string }>
  dryRun: boolean
}

/** More rows than this is a catalog, not a price list: split it. */
export const MAX_IMPORT_ROWS = 20_000

export async function importPrices(em: SqlEntityManager, actor: Actor, customerId: string, csv: string, dryRun: boolean, now: Date): Promise<ImportReport> {
  const rows = readRows(csv)
  return withPriceLock(em, actor, customerId, async (tem) => {
    const known = await knownSkus(tem, rows)
    const accepted: PriceEntry[] = await contractEntries(tem, customerId)
    const report: ImportReport = { imported: 0, rejected: [], dryRun }
    for (const row of rows) {
      const outcome = decideRow(row, known, accepted)
      if (typeof outcome === 'string') {
        report.rejected.push({ line: row.line, reason: outcome })
        continue
      }
      accepted.push(outcome)
      report.imported++
      if (!dryRun) tem.create(ContractPrice, { id: randomUUID(), customerId, ...outcome })
    }
    if (!dryRun && report.imported > 0) {
      audit(tem, actor, { action: 'contract_price.import', targetType: 'customer', targetId: customerId, customerId, after: { imported: report.imported, rejected: report.rejected.length } }, now)
    }
    return report
  })
}

/** The data rows, each with its line; a malformed file or header is refused whole. */
function readRows(csv: string): CsvRecord[] {
  let records: CsvRecord[]
  try {
    records = parseCsv(csv)
  } catch (err) {
    if (err instanceof CsvError) throw new PunchgateError('PG_ERR_API_VALIDATION', `The CSV is malformed at line ${err.line}: ${err.message}.`)
    throw err
  }
  const header = records.shift()?.fields.map((f) => f.trim().toLowerCase())
  if (!header || header.join(',') !== CSV_COLUMNS.join(',')) {
    throw new PunchgateError('PG_ERR_API_VALIDATION', `The first row must be the header ${CSV_COLUMNS.join(',')}.`)
  }
  if (records.length > MAX_IMPORT_ROWS) throw new PunchgateError('PG_ERR_API_VALIDATION', `At most ${MAX_IMPORT_ROWS} rows per import; this file has ${records.length}.`)
  return records
}

async function knownSkus(em: SqlEntityManager, rows: CsvRecord[]): Promise<Set<string>> {
  const skus = [...new Set(rows.map((r) => (r.fields[0] ?? '').trim()).filter((s) => s !== ''))]
  if (skus.length === 0) return new Set()
  return new Set((await em.find(Product, { sku: { $in: skus } }, { fields: ['sku'] })).map((p) => p.sku))
}

const CSV_NAMES: Record<string, string> = {
  sku: 'sku', unitPrice: 'unit_price', currency: 'currency', validFrom: 'valid_from', validTo: 'valid_to', minQuantity: 'min_quantity',
}

/** The price a row adds, or why it is rejected. */
function decideRow(row: CsvRecord, known: Set<string>, accepted: PriceEntry[]): PriceEntry | string {
  if (row.fields.length !== CSV_COLUMNS.length) return `${row.fields.length} fields, expected ${CSV_COLUMNS.length}`
  const [sku, unitPrice, currency, validFrom, validTo, minQuantity] = row.fields.map((f) => f.trim()) as [string, string, string, string, string, string]
  const parsed = priceInputSchema.safeParse({
    sku, unitPrice, currency, validFrom: validFrom || null, validTo: validTo || null, ...(minQuantity ? { minQuantity } : {}),
  })
  if (!parsed.success) return parsed.error.issues.map((i) => `${CSV_NAMES[String(i.path[0])] ?? 'row'}: ${i.message}`).join('; ')
  const input: PriceInput = parsed.data
  if (!known.has(input.sku)) return `unknown SKU ${input.sku}`
  const conflict = firstConflict(input, accepted)
  return conflict ?? input
}
