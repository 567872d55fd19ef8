/**
 * Identity profiles: where the *person* is in a setup request.
 *
 * Buyer systems put the user's email, login, name, roles and cost center in different places
 * (cXML Extrinsics, `Contact`, `ShipTo`, OCI form fields). A profile maps each identity field to
 * an ordered list of *sources*; a customer picks a preset and may override single fields.
 *
 * ## Source syntax (usable as-is in JSON config)
 *
 * | source                         | reads                                                        |
 * |--------------------------------|--------------------------------------------------------------|
 * | `extrinsic:<Name>`             | cXML `<Extrinsic name="Name">`; name matched case-insensitively |
 * | `contact:<role>/<field>`       | cXML `<Contact role="…">`; field `name`, `email` or `phone`; role `*` = any role (first contact that has the field), otherwise matched case-insensitively (e.g. `contact:endUser/email`) |
 * | `shipTo:addressID`             | `ShipTo/Address@addressID`                                    |
 * | `shipTo:name`                  | `ShipTo/Address/Name`                                         |
 * | `header:fromIdentity`          | `Header/From/Credential/Identity`                             |
 * | `header:lang`                  | the document's `xml:lang`                                     |
 * | `oci:<FIELD>`                  | an OCI login form field, case-insensitive (e.g. `oci:SY-UNAME`) |
 * | `derived:email`                | (only in `uniqueName`) the email this profile extracted       |
 * | `derived:firstName+lastName`   | (only in `displayName`) first and last name, joined by a space |
 *
 * `oci:USERNAME` and `oci:PASSWORD` are refused: they are the technical OCI credential of the
 * customer organisation (often one login for the whole company), never a person.
 *
 * ## Rules
 *
 * - A field's sources are tried in order; the first non-empty value wins. Values are trimmed
 *   and empty strings count as absent.
 * - `roles` is the union of all its sources: every matching Extrinsic counts (repeated
 *   `<Extrinsic name="Role">`), each value may be a comma/semicolon separated list; roles are
 *   trimmed and de-duplicated case-insensitively, keeping the first spelling and the order.
 * - `email` is lower-cased; a value that does not look like an address (`x@y`) is skipped and
 *   the next source is tried. `uniqueName` keeps the case it was sent in.
 * - `displayName`: if none of its sources yields, it is composed from the extracted
 *   `firstName` and `lastName` (the `derived:firstName+lastName` source places that step
 *   explicitly in the list, as the presets do, so it wins over a `Contact` name).
 * - Required fields: the identity key "uniqueName or email" is always required; a profile's
 *   `require` adds requirements (`['email']`: the email must be present; an inner array is an
 *   alternative: `[['email', 'uniqueName']]`).
 */

// ---------------------------------------------------------------------------------------------
// Fields and sources

export const IDENTITY_FIELDS = [
  'email',
  'uniqueName',
  'displayName',
  'firstName',
  'lastName',
  'phone',
  'roles',
  'costCenter',
  'department',
  'businessUnit',
  'shipToId',
  'locale',
] as const

export type IdentityField = (typeof IDENTITY_FIELDS)[number]

/** Human wording of each field, for messages ("no unique name or email"). */
export const FIELD_LABELS: Readonly<Record<IdentityField, string>> = {
  email: 'email',
  uniqueName: 'unique name',
  displayName: 'display name',
  firstName: 'first name',
  lastName: 'last name',
  phone: 'phone',
  roles: 'roles',
  costCenter: 'cost center',
  department: 'department',
  businessUnit: 'business unit',
  shipToId: 'ship-to address ID',
  locale: 'locale',
}

/** A source in its string form, e.g. `extrinsic:UserEmail` (see the syntax above). */
export type SourceSpec = string

/** A parsed source. `spec` is the canonical string form, `label` the human-readable one. */
export type ParsedSource = { spec: SourceSpec; label: string } & (
  | { kind: 'extrinsic'; name: string }
  | { kind: 'contact'; role: string; field: 'name' | 'email' | 'phone' }
  | { kind: 'shipTo'; field: 'addressID' | 'name' }
  | { kind: 'header'; field: 'fromIdentity' | 'lang' }
  | { kind: 'oci'; field: string }
  | { kind: 'derived'; from: 'email' | 'firstName+lastName' }
)

/** OCI fields that carry the organisation's technical login: never a person source. */
export const FORBIDDEN_OCI_FIELDS: readonly string[] = ['USERNAME', 'PASSWORD']

const SYNTAX_HELP =
  'expected extrinsic:<Name>, contact:<role|*>/<name|email|phone>, shipTo:addressID, shipTo:name, ' +
  'header:fromIdentity, header:lang, oci:<FIELD>, derived:email or derived:firstName+lastName'

const CONTACT_FIELDS = { name: 'Name', email: 'Email', phone: 'Phone' } as const

/** Parses a source string; returns an error message (naming the source) when it is invalid. */
export function tryParseSource(spec: string): ParsedSource | { error: string } {
  const bad = (why: string) => ({ error: `invalid identity source ${JSON.stringify(spec)}: ${why}` })
  if (typeof spec !== 'string') return bad(SYNTAX_HELP)
  const s = spec.trim()
  const colon = s.indexOf(':')
  if (colon <= 0) return bad(SYNTAX_HELP)
  const kind = s.slice(0, colon).toLowerCase()
  const rest = s.slice(colon + 1).trim()
  switch (kind) {
    case 'extrinsic': {
      if (rest === '') return bad('the Extrinsic name is empty')
      return { kind: 'extrinsic', name: rest, spec: `extrinsic:${rest}`, label: `Extrinsic "${rest}"` }
    }
    case 'contact': {
      const m = /^([^/\s]+)\/(name|email|phone)$/i.exec(rest)
      if (!m) return bad('expected contact:<role>/<name|email|phone>, role * for any role')
      const role = m[1] as string
      const field = (m[2] as string).toLowerCase() as keyof typeof CONTACT_FIELDS
      const who = role === '*' ? 'Contact (any role)' : `Contact role="${role}"`
      return { kind: 'contact', role, field, spec: `contact:${role}/${field}`, label: `${who} ${CONTACT_FIELDS[field]}` }
    }
    case 'shipto': {
      const f = rest.toLowerCase()
      if (f === 'addressid') return { kind: 'shipTo', field: 'addressID', spec: 'shipTo:addressID', label: 'ShipTo Address addressID' }
      if (f === 'name') return { kind: 'shipTo', field: 'name', spec: 'shipTo:name', label: 'ShipTo Address Name' }
      return bad('expected shipTo:addressID or shipTo:name')
    }
    case 'header': {
      const f = rest.toLowerCase()
      if (f === 'fromidentity') return { kind: 'header', field: 'fromIdentity', spec: 'header:fromIdentity', label: 'Header From Identity' }
      if (f === 'lang') return { kind: 'header', field: 'lang', spec: 'header:lang', label: 'cXML xml:lang' }
      return bad('expected header:fromIdentity or header:lang')
    }
    case 'oci': {
      const field = rest.toUpperCase()
      if (field === '' || /\s/.test(field)) return bad('the OCI field name is empty or contains spaces')
      if (FORBIDDEN_OCI_FIELDS.includes(field)) {
        return bad(`${field} is the technical OCI login of the organisation, not a person; it can never identify a buyer`)
      }
      return { kind: 'oci', field, spec: `oci:${field}`, label: `OCI field ${field}` }
    }
    case 'derived': {
      const f = rest.toLowerCase().replace(/\s+/g, '')
      if (f === 'email') return { kind: 'derived', from: 'email', spec: 'derived:email', label: 'the email' }
      if (f === 'firstname+lastname') {
        return { kind: 'derived', from: 'firstName+lastName', spec: 'derived:firstName+lastName', label: 'first name + last name' }
      }
      return bad('expected derived:email or derived:firstName+lastName')
    }
    default:
      return bad(SYNTAX_HELP)
  }
}

/** Parses a source string; throws a TypeError naming it when invalid. */
export function parseSource(spec: string): ParsedSource {
  const r = tryParseSource(spec)
  if ('error' in r) throw new TypeError(r.error)
  return r
}

/** Which field may use which derived source (anything else would be circular or meaningless). */
const DERIVED_ALLOWED: Partial<Record<IdentityField, ReadonlyArray<'email' | 'firstName+lastName'>>> = {
  uniqueName: ['email'],
  displayName: ['firstName+lastName'],
}

export function derivedError(field: IdentityField, p: ParsedSource): string | undefined {
  if (p.kind !== 'derived') return undefined
  if (DERIVED_ALLOWED[field]?.includes(p.from)) return undefined
  return `identity source ${JSON.stringify(p.spec)} cannot be used for ${field}` +
    ' (derived:email is for uniqueName, derived:firstName+lastName for displayName)'
}
