/** Where a person can be found in a setup request: a protocol-level notion, the parsers produce it. */
export type { IdentitySource } from '../../protocols/identity-source.ts'

/** The person a profile extracts. Absent fields were not found. */
export interface BuyerIdentity {
  email?: string
  uniqueName?: string
  displayName?: string
  firstName?: string
  lastName?: string
  phone?: string
  roles: string[]
  costCenter?: string
  department?: string
  businessUnit?: string
  shipToId?: string
  locale?: string
}
