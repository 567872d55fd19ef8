/**
 * Catalog unit of measure → OCI `NEW_ITEM-UNIT` (CHAR 3).
 *
 * OCI asks for the ISO code (UN/CEFACT Rec 20), but many SAP SRM / S/4 systems expect their
 * internal T006 code (`ST`, `KG`) instead, so every customer picks a unit system and may add
 * overrides (docs/oci.md, "Units" and "Buyer-system quirks"). A unit SAP cannot map makes SRM
 * drop the line silently, which is why this table is documented and shown in docs/oci.md.
 *
 * The `sap` column is the SAP standard *internal* T006 code (German-derived; English logon shows
 * commercial codes such as `PC`/`CAR` instead). Entries marked `unsure` are our best reading of a
 * standard T006, not verified against a live system — customers correct them with overrides.
 */

export type OciUnitSystem = 'iso' | 'sap'

export interface OciUnitEntry {
  /** Catalog code(s) accepted on input (upper case); the first one is the canonical Rec 20 code. */
  codes: readonly string[]
  name: string
  iso: string
  sap: string
  note?: string
}

export const OCI_UNIT_TABLE: readonly OciUnitEntry[] = [
  { codes: ['EA', 'EACH'], name: 'each', iso: 'EA', sap: 'ST', note: 'T006 also has EA; ST (Stück) is what most SRM tenants map' },
  {
    codes: ['PCE', 'H87', 'C62', 'PC', 'PCS', 'ST'],
    name: 'piece / one',
    iso: 'PCE',
    sap: 'ST',
    note: 'H87 and C62 sent as PCE: older T006 tables carry PCE as the ISO code of ST, not H87/C62 (unsure for C62)',
  },
  { codes: ['BX'], name: 'box', iso: 'BX', sap: 'KAR', note: 'unsure: no standard T006 box unit; carton (KAR, English CAR) is the usual stand-in' },
  { codes: ['CS'], name: 'case', iso: 'CS', sap: 'KAR', note: 'unsure: mapped like box' },
  { codes: ['CT', 'CAR', 'KAR'], name: 'carton', iso: 'CT', sap: 'KAR' },
  { codes: ['PK', 'PAK'], name: 'pack', iso: 'PK', sap: 'PAK' },
  { codes: ['PA'], name: 'packet', iso: 'PA', sap: 'PAK', note: 'seen in the real OCI capture (fixtures/oci); unsure: SAP variant mapped like pack' },
  { codes: ['SET'], name: 'set', iso: 'SET', sap: 'SET' },
  { codes: ['PR', 'PAA'], name: 'pair', iso: 'PR', sap: 'PAA' },
  { codes: ['DZN'], name: 'dozen', iso: 'DZN', sap: 'DZN', note: 'unsure: some systems use DZ' },
  { codes: ['RM'], name: 'ream', iso: 'RM', sap: 'RM', note: 'unsure: no standard T006 ream unit known; override per customer' },
  { codes: ['ROL', 'RO'], name: 'roll', iso: 'RO', sap: 'ROL', note: 'ROL is not a Rec 20 code; the Rec 20 roll is RO' },
  { codes: ['KGM', 'KG'], name: 'kilogram', iso: 'KGM', sap: 'KG' },
  { codes: ['GRM', 'G'], name: 'gram', iso: 'GRM', sap: 'G' },
  { codes: ['TNE', 'TO'], name: 'tonne', iso: 'TNE', sap: 'TO' },
  { codes: ['MTR', 'M'], name: 'metre', iso: 'MTR', sap: 'M' },
  { codes: ['CMT', 'CM'], name: 'centimetre', iso: 'CMT', sap: 'CM' },
  { codes: ['MMT', 'MM'], name: 'millimetre', iso: 'MMT', sap: 'MM' },
  { codes: ['MTK', 'M2'], name: 'square metre', iso: 'MTK', sap: 'M2' },
  { codes: ['MTQ', 'M3'], name: 'cubic metre', iso: 'MTQ', sap: 'M3' },
  { codes: ['LTR', 'L'], name: 'litre', iso: 'LTR', sap: 'L' },
  { codes: ['MLT', 'ML'], name: 'millilitre', iso: 'MLT', sap: 'ML' },
  { codes: ['HUR', 'H'], name: 'hour', iso: 'HUR', sap: 'H' },
  { codes: ['MIN'], name: 'minute', iso: 'MIN', sap: 'MIN' },
  { codes: ['DAY', 'TAG'], name: 'day', iso: 'DAY', sap: 'TAG' },
]

const BY_CODE = new Map<string, OciUnitEntry>()
for (const entry of OCI_UNIT_TABLE) for (const code of entry.codes) BY_CODE.set(code, entry)

/** Truncate to at most `max` code points (never splits a surrogate pair). */
const firstCodePoints = (s: string, max: number): string => Array.from(s).slice(0, max).join('')

const lookupOverride = (overrides: Record<string, string> | undefined, key: string): string | undefined => {
  if (!overrides) return undefined
  for (const [k, v] of Object.entries(overrides)) if (k.trim().toUpperCase() === key) return v.trim()
  return undefined
}

/**
 * Map a catalog unit to the OCI UNIT value. Order: per-customer override keyed by the catalog
 * code, then the table in the chosen system, then an override keyed by the mapped value (so a
 * customer can say "PCE → ST" once), then pass-through. Always at most 3 characters
 * (docs/oci.md, "Field lengths": UNIT 3).
 */
export function mapOciUnit(unit: string, system: OciUnitSystem, overrides?: Record<string, string>): string {
  const code = unit.trim().toUpperCase()
  const direct = lookupOverride(overrides, code)
  if (direct !== undefined) return firstCodePoints(direct, 3)
  const entry = BY_CODE.get(code)
  const mapped = entry ? entry[system] : code
  const second = lookupOverride(overrides, mapped)
  return firstCodePoints(second ?? mapped, 3)
}

/** The table as Markdown, so the "Units" section of docs/oci.md shows exactly what the code does. */
export function ociUnitTableMarkdown(): string {
  const rows = OCI_UNIT_TABLE.map((e) => `| ${e.codes.join(', ')} | ${e.name} | ${e.iso} | ${e.sap} | ${e.note ?? ''} |`)
  return ['| catalog unit | meaning | OCI UNIT (iso) | OCI UNIT (sap, T006) | note |', '|---|---|---|---|---|', ...rows].join('\n')
}
