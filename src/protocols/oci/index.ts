/** SAP OCI 4.0/5.0 (SAP's OCI specification; docs/oci.md): pure functions, no I/O. */
export * from './login.ts'
export * from './cart.ts'
export { OCI_UNIT_TABLE, mapOciUnit, ociUnitTableMarkdown } from './units.ts'
export type { OciUnitEntry, OciUnitSystem } from './units.ts'
export { parseOciDecimal } from './format.ts'
