/** The identity-profile presets, as data (docs/identity-profiles.md, "Identity profiles" shows them). */
import { IDENTITY_FIELDS, parseSource, type IdentityField, type SourceSpec } from './identity-source-syntax.ts'

// ---------------------------------------------------------------------------------------------
// Presets

export const PRESET_NAMES = ['generic', 'ariba', 'coupa', 'jaggaer', 'oracle', 'sap-oci'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

export type PresetTable = Readonly<Record<IdentityField, readonly SourceSpec[]>>

/**
 * The presets, as data. Sources per buyer system (docs/identity-profiles.md, "Where buyer systems
 * put the person", and the captures in fixtures/):
 *
 * - generic: the union of the names seen across buyer systems (Ariba/cXML guide, Coupa,
 *   BuyerQuest, EqualLevel), Contact of any role.
 * - ariba: `User`, `CostCenter` (Ariba Buyer classic), `UniqueName`, `UserEmail`, `CostCenter`
 *   (cXML guide sample), Contact of any role. `UserPrintableName` and `PhoneNumber` are the
 *   Ariba-style names other systems copy; kept, not verified against an Ariba capture.
 * - coupa: Extrinsics `FirstName`, `LastName`, `UniqueName`, `UserEmail`, `User`, `BusinessUnit`
 *   and `Contact role="endUser"` (fixtures/cxml/coupa-setup-create-…). Coupa's Contact Name is the
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
const GENERIC: PresetTable = {
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
}

/** The cXML buyer systems read the generic names; each preset says only where it differs. */
const STANDARD_UNIQUE_NAME = ['extrinsic:UniqueName', 'extrinsic:User', 'derived:email']

export const PRESETS: Readonly<Record<PresetName, PresetTable>> = {
  generic: GENERIC,
  ariba: {
    ...GENERIC,
    uniqueName: STANDARD_UNIQUE_NAME,
    displayName: ['extrinsic:UserPrintableName', 'derived:firstName+lastName', 'contact:*/name'],
  },
  coupa: {
    ...GENERIC,
    email: ['extrinsic:UserEmail', 'contact:endUser/email'],
    uniqueName: STANDARD_UNIQUE_NAME,
    displayName: ['derived:firstName+lastName', 'contact:endUser/name'],
    phone: ['extrinsic:PhoneNumber', 'contact:endUser/phone'],
  },
  jaggaer: { ...GENERIC, uniqueName: STANDARD_UNIQUE_NAME },
  oracle: { ...GENERIC, uniqueName: STANDARD_UNIQUE_NAME },
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

/** One row per field, for documentation tables (docs/identity-profiles.md) and the console. */
export function describePreset(name: PresetName): PresetRow[] {
  const table = PRESETS[name]
  if (!table) throw new TypeError(`unknown identity profile preset ${JSON.stringify(name)}`)
  return IDENTITY_FIELDS.map((field) => ({
    field,
    sources: [...table[field]],
    labels: table[field].map((s) => parseSource(s).label),
  }))
}
