/**
 * Identity profiles: the customer's configuration (a preset plus per-field overrides), its
 * resolution, and the extraction of the person from a setup request. The source syntax and
 * the rules are documented in identity-source-syntax.ts; the presets are in identity-presets.ts.
 */
import { z } from 'zod'
import type { IdentitySource } from '../../protocols/identity-source.ts'
import type { BuyerIdentity } from './identity-source.ts'
import { PRESET_NAMES, PRESETS, type PresetName } from './identity-presets.ts'
import {
  derivedError, FIELD_LABELS, FORBIDDEN_OCI_FIELDS, IDENTITY_FIELDS, parseSource, tryParseSource, type IdentityField, type ParsedSource,
} from './identity-source-syntax.ts'

export * from './identity-presets.ts'
export * from './identity-source-syntax.ts'

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
  overridden: readonly IdentityField[]
  fields: Readonly<Record<IdentityField, readonly ParsedSource[]>>
  /** Every requirement must hold; a requirement holds when one of its fields is present. */
  require: readonly Requirement[]
}

/**
 * Merges a preset with the customer's overrides. Validates `config` with
 * `identityProfileSchema` first (throws its ZodError when invalid).
 */
export function resolveProfile(config: IdentityProfileConfig): ResolvedProfile {
  // Every setup resolves its customer's profile; the same configuration resolves the same way.
  const key = JSON.stringify(config)
  let resolved = resolvedProfiles.get(key)
  if (!resolved) {
    resolved = buildProfile(config)
    if (resolvedProfiles.size >= MAX_RESOLVED_PROFILES) resolvedProfiles.clear()
    resolvedProfiles.set(key, resolved)
  }
  return resolved
}

/** One entry per distinct profile configuration in use; a bound, so odd configurations cannot grow it. */
const MAX_RESOLVED_PROFILES = 1000
const resolvedProfiles = new Map<string, ResolvedProfile>()

function buildProfile(config: IdentityProfileConfig): ResolvedProfile {
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
