/** SAP OCI 4.0/5.0 (protocol.md §10): pure functions, no I/O. */
export * from './login.ts'
export * from './cart.ts'
export { OCI_UNIT_TABLE, mapOciUnit, ociUnitTableMarkdown } from './units.ts'
export type { OciUnitEntry, OciUnitSystem } from './units.ts'
export { parseOciDecimal } from './format.ts'
