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
import { z } from 'zod'
import type { BuyerIdentity, IdentitySource } from './identity-source.ts'

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

function derivedError(field: IdentityField, p: ParsedSource): string | undefined {
  if (p.kind !== 'derived') return undefined
  if (DERIVED_ALLOWED[field]?.includes(p.from)) return undefined
  return `identity source ${JSON.stringify(p.spec)} cannot be used for ${field}` +
    ' (derived:email is for uniqueName, derived:firstName+lastName for displayName)'
}

// ---------------------------------------------------------------------------------------------
// Presets

export const PRESET_NAMES = ['generic', 'ariba', 'coupa', 'jaggaer', 'oracle', 'sap-oci'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

export type PresetTable = Readonly<Record<IdentityField, readonly SourceSpec[]>>

/**
 * The presets, as data. Sources per buyer system (protocol.md sections 2, 10, 12 and the corpus):
 *
 * - generic: the union of the names seen across buyer systems (Ariba/cXML guide, Coupa,
 *   BuyerQuest, EqualLevel), Contact of any role.
 * - ariba: `User`, `CostCenter` (Ariba Buyer classic), `UniqueName`, `UserEmail`, `CostCenter`
 *   (cXML guide sample), Contact of any role. `UserPrintableName` and `PhoneNumber` are the
 *   Ariba-style names other systems copy; kept, not verified against an Ariba capture.
 * - coupa: Extrinsics `FirstName`, `LastName`, `UniqueName`, `UserEmail`, `User`, `BusinessUnit`
 *   and `Contact role="endUser"` (corpus `coupa-setup-create-…`). Coupa's Contact Name is the
 *   login in that capture ("jim"), so the composed first + last name comes before it.
 *   `CostCenter`, `Department`, `Role(s)` are custom extrinsics a Coupa admin adds from user
 *   fields: names are the customer's choice, override them when they differ.
 * - jaggaer, oracle: UNCERTAIN. No traceable Jaggaer (SciQuest) or Oracle iProcurement setup
 *   request was found (fixtures/SOURCES.md "gaps"); these read the standard extrinsic names plus
 *   Contact of any role. Confirm with the customer's first real request and override.
 * - sap-oci: SAP SRM/S4 send the user as customer-defined login fields; `SY-UNAME` / `USER_ID`,
 *   `USER_EMAIL` / `EMAIL`, `USER_NAME`, `ROLE(S)`, `SY-LANGU` / `LANGU` / `LANGUAGE` are the
 *   usual spellings. `COST_CENTER` / `KOSTL`, `DEPARTMENT` and `FIRST_NAME` / `LAST_NAME` are
 *   UNCERTAIN (common but customer-defined). `USERNAME` is the technical OCI login: never read.
 */
export const PRESETS: Readonly<Record<PresetName, PresetTable>> = {
  generic: {
    email: ['extrinsic:UserEmail', 'contact:*/email'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:UniqueUsername', 'extrinsic:UserId', 'extrinsic:User', 'derived:email'],
    displayName: ['extrinsic:UserPrintableName', 'extrinsic:UserFullName', 'derived:firstName+lastName', 'contact:*/name'],
    firstName: ['extrinsic:FirstName'],
    lastName: ['extrinsic:LastName'],
    phone: ['extrinsic:PhoneNumber', 'contact:*/phone'],
    roles: ['extrinsic:Role', 'extrinsic:Roles'],
    costCenter: ['extrinsic:CostCenter'],
    department: ['extrinsic:Department'],
    businessUnit: ['extrinsic:BusinessUnit'],
    shipToId: ['shipTo:addressID'],
    locale: ['header:lang'],
  },
  ariba: {
    email: ['extrinsic:UserEmail', 'contact:*/email'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:User', 'derived:email'],
    displayName: ['extrinsic:UserPrintableName', 'derived:firstName+lastName', 'contact:*/name'],
    firstName: ['extrinsic:FirstName'],
    lastName: ['extrinsic:LastName'],
    phone: ['extrinsic:PhoneNumber', 'contact:*/phone'],
    roles: ['extrinsic:Role', 'extrinsic:Roles'],
    costCenter: ['extrinsic:CostCenter'],
    department: ['extrinsic:Department'],
    businessUnit: ['extrinsic:BusinessUnit'],
    shipToId: ['shipTo:addressID'],
    locale: ['header:lang'],
  },
  coupa: {
    email: ['extrinsic:UserEmail', 'contact:endUser/email'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:User', 'derived:email'],
    displayName: ['derived:firstName+lastName', 'contact:endUser/name'],
    firstName: ['extrinsic:FirstName'],
    lastName: ['extrinsic:LastName'],
    phone: ['extrinsic:PhoneNumber', 'contact:endUser/phone'],
    roles: ['extrinsic:Role', 'extrinsic:Roles'],
    costCenter: ['extrinsic:CostCenter'],
    department: ['extrinsic:Department'],
    businessUnit: ['extrinsic:BusinessUnit'],
    shipToId: ['shipTo:addressID'],
    locale: ['header:lang'],
  },
  jaggaer: {
    email: ['extrinsic:UserEmail', 'contact:*/email'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:User', 'derived:email'],
    displayName: ['extrinsic:UserPrintableName', 'extrinsic:UserFullName', 'derived:firstName+lastName', 'contact:*/name'],
    firstName: ['extrinsic:FirstName'],
    lastName: ['extrinsic:LastName'],
    phone: ['extrinsic:PhoneNumber', 'contact:*/phone'],
    roles: ['extrinsic:Role', 'extrinsic:Roles'],
    costCenter: ['extrinsic:CostCenter'],
    department: ['extrinsic:Department'],
    businessUnit: ['extrinsic:BusinessUnit'],
    shipToId: ['shipTo:addressID'],
    locale: ['header:lang'],
  },
  oracle: {
    email: ['extrinsic:UserEmail', 'contact:*/email'],
    uniqueName: ['extrinsic:UniqueName', 'extrinsic:User', 'derived:email'],
    displayName: ['extrinsic:UserPrintableName', 'extrinsic:UserFullName', 'derived:firstName+lastName', 'contact:*/name'],
    firstName: ['extrinsic:FirstName'],
    lastName: ['extrinsic:LastName'],
    phone: ['extrinsic:PhoneNumber', 'contact:*/phone'],
    roles: ['extrinsic:Role', 'extrinsic:Roles'],
    costCenter: ['extrinsic:CostCenter'],
    department: ['extrinsic:Department'],
    businessUnit: ['extrinsic:BusinessUnit'],
    shipToId: ['shipTo:addressID'],
    locale: ['header:lang'],
  },
  'sap-oci': {
    email: ['oci:USER_EMAIL', 'oci:EMAIL'],
    uniqueName: ['oci:SY-UNAME', 'oci:USER_ID', 'derived:email'],
    displayName: ['oci:USER_NAME', 'derived:firstName+lastName'],
    firstName: ['oci:FIRST_NAME'],
    lastName: ['oci:LAST_NAME'],
    phone: ['oci:USER_PHONE', 'oci:PHONE'],
    roles: ['oci:ROLE', 'oci:ROLES'],
    costCenter: ['oci:COST_CENTER', 'oci:KOSTL'],
    department: ['oci:DEPARTMENT'],
    businessUnit: ['oci:BUSINESS_UNIT'],
    shipToId: ['oci:SHIP_TO'],
    locale: ['oci:SY-LANGU', 'oci:LANGU', 'oci:LANGUAGE'],
  },
}

export interface PresetRow {
  field: IdentityField
  /** Source strings, in order (the syntax above). */
  sources: SourceSpec[]
  /** The same sources, human-readable. */
  labels: string[]
}

/** One row per field, for documentation tables (README) and the console. */
export function describePreset(name: PresetName): PresetRow[] {
  const table = PRESETS[name]
  if (!table) throw new TypeError(`unknown identity profile preset ${JSON.stringify(name)}`)
  return IDENTITY_FIELDS.map((field) => ({
    field,
    sources: [...table[field]],
    labels: table[field].map((s) => parseSource(s).label),
  }))
}

// ---------------------------------------------------------------------------------------------
// Config schema

const fieldEnum = z.enum(IDENTITY_FIELDS)

const sourceSchema = z.string().superRefine((s, ctx) => {
  const r = tryParseSource(s)
  if ('error' in r) ctx.addIssue({ code: 'custom', message: r.error })
})

const fieldsSchema = z
  .strictObject(
    Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, z.array(sourceSchema).optional()])) as Record<
      IdentityField,
      z.ZodOptional<z.ZodArray<typeof sourceSchema>>
    >,
  )
  .superRefine((fields, ctx) => {
    for (const field of IDENTITY_FIELDS) {
      const list = fields[field]
      if (!list) continue
      list.forEach((s, i) => {
        const p = tryParseSource(s)
        if ('error' in p) return
        const err = derivedError(field, p)
        if (err) ctx.addIssue({ code: 'custom', message: err, path: [field, i] })
      })
    }
  })

const requirementSchema = z.union([fieldEnum, z.array(fieldEnum).min(1)])

const presetNameSchema = z.enum(PRESET_NAMES)

/**
 * A customer's `identityProfile` config value: a preset name (`"coupa"`), or a preset with
 * per-field overrides (a field's list REPLACES the preset's list for that field) and extra
 * required fields:
 * `{ "preset": "generic", "fields": { "email": ["extrinsic:WorkEmail"] }, "require": ["email"] }`.
 */
export const identityProfileSchema = z.union(
  [
    presetNameSchema,
    z.strictObject({
      preset: presetNameSchema,
      fields: fieldsSchema.optional(),
      require: z.array(requirementSchema).optional(),
    }),
  ],
  {
    error: (iss) =>
      iss.code === 'invalid_union'
        ? typeof iss.input === 'string'
          ? `unknown identity profile preset ${JSON.stringify(iss.input)}; expected one of ${PRESET_NAMES.join(', ')}`
          : `expected an identity profile preset name (${PRESET_NAMES.join(', ')}) or { preset, fields?, require? }`
        : undefined,
  },
)

export type IdentityProfileConfig = z.infer<typeof identityProfileSchema>

// ---------------------------------------------------------------------------------------------
// Resolution

/** Alternatives: at least one of the fields must be present. */
export type Requirement = readonly IdentityField[]

/** The identity key, always required. */
export const IDENTITY_KEY_REQUIREMENT: Requirement = ['uniqueName', 'email']

export interface ResolvedProfile {
  preset: PresetName
  /** Fields whose sources were replaced by the customer's config. */
  overridden: IdentityField[]
  fields: Readonly<Record<IdentityField, readonly ParsedSource[]>>
  /** Every requirement must hold; a requirement holds when one of its fields is present. */
  require: readonly Requirement[]
}

/**
 * Merges a preset with the customer's overrides. Validates `config` with
 * `identityProfileSchema` first (throws its ZodError when invalid).
 */
export function resolveProfile(config: IdentityProfileConfig): ResolvedProfile {
  const parsed = identityProfileSchema.parse(config)
  const cfg = typeof parsed === 'string' ? { preset: parsed } : parsed
  const table = PRESETS[cfg.preset]
  const overrides: Partial<Record<IdentityField, string[]>> = 'fields' in cfg && cfg.fields ? cfg.fields : {}
  const overridden: IdentityField[] = []
  const fields = {} as Record<IdentityField, ParsedSource[]>
  for (const field of IDENTITY_FIELDS) {
    const override = overrides[field]
    if (override !== undefined) overridden.push(field)
    const specs = override ?? table[field]
    const seen = new Set<string>()
    fields[field] = []
    for (const spec of specs) {
      const p = parseSource(spec)
      if (seen.has(p.spec.toLowerCase())) continue
      seen.add(p.spec.toLowerCase())
      fields[field].push(p)
    }
  }
  const require: Requirement[] = [IDENTITY_KEY_REQUIREMENT]
  const extra = 'require' in cfg && cfg.require ? cfg.require : []
  for (const r of extra) {
    const alt = [...new Set(typeof r === 'string' ? [r] : r)]
    if (!require.some((x) => x.length === alt.length && x.every((f) => alt.includes(f)))) require.push(alt)
  }
  return { preset: cfg.preset, overridden, fields, require }
}

// ---------------------------------------------------------------------------------------------
// Extraction

export interface MissingIdentity {
  /** The fields of the unmet requirements, e.g. `['uniqueName', 'email']`. */
  fields: IdentityField[]
  /** Human wording of what is missing, e.g. `unique name or email`. */
  description: string
  /** Where the profile looked, human-readable, in order, e.g. `Extrinsic "UniqueName"`. */
  lookedIn: string[]
}

export interface ExtractionResult {
  identity: BuyerIdentity
  /** Set when a required field (by default the identity key: uniqueName or email) is absent. */
  missing?: MissingIdentity
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/

function clean(v: string | undefined): string | undefined {
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  return t === '' ? undefined : t
}

/** Every raw value a (non-derived) source yields, in document order. */
function rawValues(p: ParsedSource, src: IdentitySource): string[] {
  switch (p.kind) {
    case 'extrinsic': {
      const want = p.name.toLowerCase()
      return src.extrinsics.filter((e) => typeof e.name === 'string' && e.name.trim().toLowerCase() === want).map((e) => e.value)
    }
    case 'contact': {
      const any = p.role === '*'
      const want = p.role.toLowerCase()
      return src.contacts
        .filter((c) => any || (typeof c.role === 'string' && c.role.trim().toLowerCase() === want))
        .map((c) => c[p.field])
        .filter((v): v is string => typeof v === 'string')
    }
    case 'shipTo': {
      const v = src.shipTo?.[p.field]
      return typeof v === 'string' ? [v] : []
    }
    case 'header': {
      const v = src.header[p.field]
      return typeof v === 'string' ? [v] : []
    }
    case 'oci': {
      // Defence in depth: the parser already refuses these names.
      if (FORBIDDEN_OCI_FIELDS.includes(p.field)) return []
      // Repeated fields (ROLE=a&ROLE=b) count with every value, as repeated Extrinsics do.
      const all = src.formFieldValues
      if (all && Object.hasOwn(all, p.field)) return [...(all[p.field] as string[])]
      const fields = src.formFields
      if (Object.hasOwn(fields, p.field)) return [fields[p.field] as string]
      for (const k of Object.keys(fields)) {
        if (k.toUpperCase() === p.field) return [fields[k] as string]
      }
      return []
    }
    case 'derived':
      return []
  }
}

function splitRoles(v: string): string[] {
  return v.split(/[,;]/).map((s) => s.trim()).filter((s) => s !== '')
}

/** Reads the person from a setup request according to the profile. Never throws on input. */
export function extractIdentity(profile: ResolvedProfile, source: IdentitySource): ExtractionResult {
  const identity: BuyerIdentity = { roles: [] }

  const firstValue = (field: IdentityField, accept: (v: string) => string | undefined = (v) => v): string | undefined => {
    for (const p of profile.fields[field]) {
      let candidates: string[]
      if (p.kind === 'derived') {
        candidates = p.from === 'email' ? [identity.email ?? ''] : [composeName(identity)]
      } else {
        candidates = rawValues(p, source)
      }
      for (const raw of candidates) {
        const v = clean(raw)
        if (v === undefined) continue
        const ok = accept(v)
        if (ok !== undefined) return ok
      }
    }
    return undefined
  }

  // Order matters: derived sources read email, firstName and lastName.
  identity.email = firstValue('email', (v) => (EMAIL_SHAPE.test(v) ? v.toLowerCase() : undefined))
  identity.firstName = firstValue('firstName')
  identity.lastName = firstValue('lastName')
  identity.uniqueName = firstValue('uniqueName')
  identity.displayName = firstValue('displayName') ?? clean(composeName(identity))
  for (const f of ['phone', 'costCenter', 'department', 'businessUnit', 'shipToId', 'locale'] as const) {
    identity[f] = firstValue(f)
  }

  const roles: string[] = []
  const seenRoles = new Set<string>()
  for (const p of profile.fields.roles) {
    for (const raw of rawValues(p, source)) {
      for (const role of splitRoles(raw)) {
        const key = role.toLowerCase()
        if (seenRoles.has(key)) continue
        seenRoles.add(key)
        roles.push(role)
      }
    }
  }
  identity.roles = roles

  for (const k of Object.keys(identity) as Array<keyof BuyerIdentity>) {
    if (identity[k] === undefined) delete identity[k]
  }

  const unmet = profile.require.filter((alt) => !alt.some((f) => isPresent(identity, f)))
  if (unmet.length === 0) return { identity }
  const fields = [...new Set(unmet.flat())]
  const lookedIn: string[] = []
  const addLabels = (field: IdentityField, depth: number) => {
    for (const p of profile.fields[field]) {
      if (p.kind === 'derived') {
        if (depth > 0) continue
        if (p.from === 'email') addLabels('email', depth + 1)
        else {
          addLabels('firstName', depth + 1)
          addLabels('lastName', depth + 1)
        }
      } else if (!lookedIn.includes(p.label)) lookedIn.push(p.label)
    }
  }
  for (const f of fields) addLabels(f, 0)
  const description = unmet.map((alt) => alt.map((f) => FIELD_LABELS[f]).join(' or ')).join(', ')
  return { identity, missing: { fields, description, lookedIn } }
}

function composeName(identity: BuyerIdentity): string {
  return [identity.firstName, identity.lastName].filter((s) => s !== undefined).join(' ')
}

function isPresent(identity: BuyerIdentity, field: IdentityField): boolean {
  if (field === 'roles') return identity.roles.length > 0
  return identity[field] !== undefined
}

/**
 * The sentence for the buyer-facing error (PG_ERR_IDENTITY_MISSING), e.g. "The setup request
 * does not identify the buyer: no unique name or email. Looked in: Extrinsic "UniqueName", …".
 */
export function formatMissingIdentity(missing: MissingIdentity): string {
  const where = missing.lookedIn.length > 0 ? ` Looked in: ${missing.lookedIn.join(', ')}.` : ' The identity profile names no source for it.'
  return `The setup request does not identify the buyer: no ${missing.description}.${where}`
}
