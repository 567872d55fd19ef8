/**
 * Where a person can be found in a setup request, protocol-neutral: the raw identity fields the
 * cXML parser and the OCI parser each extract from a request. A protocol-level notion (the
 * parsers produce it without knowing the domain); identity profiles in the domain read from it.
 */
export interface IdentitySource {
  protocol: 'cxml' | 'oci'
  /** cXML Extrinsics in document order; nameless ones are already dropped. */
  extrinsics: Array<{ name: string; value: string }>
  /** cXML Contact elements (role attribute as sent). */
  contacts: Array<{ role?: string; name?: string; email?: string; phone?: string }>
  shipTo?: { addressID?: string; name?: string }
  /** cXML header facts: the From identity, UserAgent, xml:lang. */
  header: { fromIdentity?: string; userAgent?: string; lang?: string }
  /** OCI form fields, names upper-cased (OCI names are case-insensitive in practice). */
  formFields: Record<string, string>
  /** Every value of a repeated OCI field (`ROLE=a&ROLE=b`); absent: formFields only. */
  formFieldValues?: Record<string, string[]>
}
