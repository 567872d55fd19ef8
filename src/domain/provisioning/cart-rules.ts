/**
 * What each buyer system accepts in a returned cart, kept beside the identity-profile presets
 * (identity-presets.ts) and chosen the same way: by the customer's preset
 * (docs/identity-profiles.md, "Cart checks per buyer system"). A customer may tighten or widen
 * its preset's rules (`cartChecks.rules`) and says what a finding does (`cartChecks.policy`).
 */
import { z } from 'zod'
import { UN_CEFACT_UNITS } from '../../protocols/uom-codes.ts'
import { PRESET_NAMES, type PresetName } from './identity-presets.ts'

export interface CartRuleSet {
  /** Units of measure must be UN/CEFACT Rec 20/21 codes (src/protocols/uom-codes.ts) or one of `extraUnits`. */
  unitCodes: boolean
  extraUnits: readonly string[]
  /** Every line carries a classification; with `classificationDomains`, one of those domains. */
  requireClassification: boolean
  /** Accepted classification domains (upper case); empty: any well-formed domain. */
  classificationDomains: readonly string[]
  /** Longest value the buyer system keeps, in characters; longer ones are cut or refused there. */
  maxLength: Readonly<Record<LengthField, number>>
  /** Largest quantity and unit price a line may carry, and whether a unit price of 0 is accepted. */
  maxQuantity: number
  maxUnitPrice: number
  allowZeroPrice: boolean
  /** Extrinsics each line must carry (cXML ItemDetail/Extrinsic). */
  requiredExtrinsics: readonly string[]
}

export type LengthField = 'description' | 'sku' | 'auxiliaryId' | 'manufacturerPartId' | 'classificationCode'

/** The cart item schema's own limits (src/domain/carts/cart-item.ts): what any cXML buyer is sent at most. */
const CXML_LENGTHS: CartRuleSet['maxLength'] = { description: 4000, sku: 200, auxiliaryId: 400, manufacturerPartId: 200, classificationCode: 40 }

const GENERIC: CartRuleSet = {
  unitCodes: true,
  extraUnits: [],
  requireClassification: false,
  classificationDomains: [],
  maxLength: CXML_LENGTHS,
  maxQuantity: 1_000_000,
  maxUnitPrice: 1_000_000_000,
  allowZeroPrice: true,
  requiredExtrinsics: [],
}

/**
 * The presets (docs/identity-profiles.md, "Cart checks per buyer system", gives the sources):
 *
 * - generic: UN/CEFACT units only; everything else as the cart API itself limits it.
 * - ariba, coupa, jaggaer: a UNSPSC classification on every line (what their catalogs map to
 *   commodity codes; Coupa drops the whole cart without one). SupplierPartID and
 *   SupplierPartAuxiliaryID at most 255 characters, the cap the cXML guides advise.
 * - oracle: UNSPSC-style classification required; description 240 and supplier item 25
 *   characters, the columns of Oracle Purchasing's requisition line. UNCERTAIN (no public
 *   payloads): confirm with the customer.
 * - sap-oci: the OCI 4.0 field lengths (docs/oci.md, "Field lengths"): DESCRIPTION 40 (the full
 *   text goes on as LONGTEXT, but the requisition shows 40), VENDORMAT, MANUFACTMAT and
 *   EXT_PRODUCT_ID 40, MATGROUP 10; QUANTITY and PRICE at most 11 digits before the point.
 *
 * No buyer system publishes line extrinsics it requires: the presets require none, customers add theirs.
 */
export const CART_RULE_PRESETS: Readonly<Record<PresetName, CartRuleSet>> = {
  generic: GENERIC,
  ariba: { ...GENERIC, requireClassification: true, classificationDomains: ['UNSPSC'], maxLength: { ...CXML_LENGTHS, sku: 255, auxiliaryId: 255 } },
  coupa: { ...GENERIC, requireClassification: true, classificationDomains: ['UNSPSC'], maxLength: { ...CXML_LENGTHS, sku: 255, auxiliaryId: 255 } },
  jaggaer: { ...GENERIC, requireClassification: true, classificationDomains: ['UNSPSC'], maxLength: { ...CXML_LENGTHS, sku: 255, auxiliaryId: 255 } },
  oracle: { ...GENERIC, requireClassification: true, classificationDomains: ['UNSPSC'], maxLength: { ...CXML_LENGTHS, description: 240, sku: 25 } },
  'sap-oci': {
    ...GENERIC,
    maxLength: { description: 40, sku: 40, auxiliaryId: 40, manufacturerPartId: 40, classificationCode: 10 },
    maxQuantity: 99_999_999_999,
    maxUnitPrice: 99_999_999_999,
  },
}

const CART_CHECK_POLICIES = ['warn', 'block'] as const
export type CartCheckPolicy = (typeof CART_CHECK_POLICIES)[number]

const name = z.string().trim().min(1).max(100)
const upperCodes = (max: number) => z.array(z.string().trim().regex(/^[A-Za-z0-9]{1,3}$/, 'a unit code of 1 to 3 letters or digits').transform((c) => c.toUpperCase())).max(max)

/** A customer's changes to its preset's rules; each replaces the preset's value, except the lists marked as added. */
export const cartRuleOverridesSchema = z.strictObject({
  unitCodes: z.boolean().optional(),
  /** Added to the UN/CEFACT codes. */
  extraUnits: upperCodes(100).optional(),
  requireClassification: z.boolean().optional(),
  classificationDomains: z.array(name.transform((d) => d.toUpperCase())).max(20).optional(),
  maxDescriptionLength: z.number().int().min(1).max(4000).optional(),
  maxQuantity: z.number().positive().max(1e11).optional(),
  maxUnitPrice: z.number().positive().max(1e11).optional(),
  allowZeroPrice: z.boolean().optional(),
  /** Added to the preset's required extrinsics. */
  requiredExtrinsics: z.array(name).max(20).optional(),
})
export type CartRuleOverrides = z.infer<typeof cartRuleOverridesSchema>

/** A customer's `cartChecks`: what a finding does, and its changes to the preset's rules. */
export const cartChecksSchema = z.strictObject({
  policy: z.enum(CART_CHECK_POLICIES).default('warn'),
  rules: cartRuleOverridesSchema.default({}),
})
export type CartChecksConfig = z.infer<typeof cartChecksSchema>

/** A PATCH: `policy` and `rules` each replace the current value when given. */
export const cartChecksPatchSchema = z.strictObject({
  policy: z.enum(CART_CHECK_POLICIES).optional(),
  rules: cartRuleOverridesSchema.optional(),
})

/** A customer's cart-check settings as stored (null: the defaults), complete. */
export const cartChecksSettings = (customer: { cartChecks?: unknown }): CartChecksConfig => cartChecksSchema.parse(customer.cartChecks ?? {})

export interface ResolvedCartChecks {
  buyerSystem: PresetName
  policy: CartCheckPolicy
  rules: CartRuleSet
  /** The units accepted, precomputed once per configuration. */
  units: ReadonlySet<string>
  domains: ReadonlySet<string>
  extrinsics: readonly string[]
}

/**
 * The buyer system whose rules apply: an OCI session is SAP's whatever the profile; a cXML one
 * follows the identity-profile preset (the `sap-oci` preset over cXML is SAP Business Network,
 * which takes cXML as any buyer: generic).
 */
export function buyerSystemOf(identityProfile: unknown, protocol: 'cxml' | 'oci'): PresetName {
  if (protocol === 'oci') return 'sap-oci'
  const preset = typeof identityProfile === 'string' ? identityProfile : (identityProfile as { preset?: unknown } | null)?.preset
  const known = PRESET_NAMES.find((p) => p === preset) ?? 'generic'
  return known === 'sap-oci' ? 'generic' : known
}

/** The rules of a customer's buyer system with its changes; the same configuration resolves once. */
export function resolveCartChecks(identityProfile: unknown, cartChecks: unknown, protocol: 'cxml' | 'oci'): ResolvedCartChecks {
  const buyerSystem = buyerSystemOf(identityProfile, protocol)
  const key = `${buyerSystem}\u0000${JSON.stringify(cartChecks ?? null)}`
  let resolved = resolvedChecks.get(key)
  if (!resolved) {
    resolved = buildChecks(buyerSystem, cartChecksSchema.parse(cartChecks ?? {}))
    if (resolvedChecks.size >= MAX_RESOLVED) resolvedChecks.clear()
    resolvedChecks.set(key, resolved)
  }
  return resolved
}

/** One entry per distinct configuration in use; a bound, so odd configurations cannot grow it. */
const MAX_RESOLVED = 1000
const resolvedChecks = new Map<string, ResolvedCartChecks>()

function buildChecks(buyerSystem: PresetName, config: CartChecksConfig): ResolvedCartChecks {
  const preset = CART_RULE_PRESETS[buyerSystem]
  const o = config.rules
  const rules: CartRuleSet = {
    unitCodes: o.unitCodes ?? preset.unitCodes,
    extraUnits: [...preset.extraUnits, ...(o.extraUnits ?? [])],
    requireClassification: o.requireClassification ?? preset.requireClassification,
    classificationDomains: o.classificationDomains ?? preset.classificationDomains,
    maxLength: o.maxDescriptionLength === undefined ? preset.maxLength : { ...preset.maxLength, description: o.maxDescriptionLength },
    maxQuantity: o.maxQuantity ?? preset.maxQuantity,
    maxUnitPrice: o.maxUnitPrice ?? preset.maxUnitPrice,
    allowZeroPrice: o.allowZeroPrice ?? preset.allowZeroPrice,
    requiredExtrinsics: [...new Set([...preset.requiredExtrinsics, ...(o.requiredExtrinsics ?? [])])],
  }
  return {
    buyerSystem, policy: config.policy, rules,
    units: rules.extraUnits.length ? new Set([...UN_CEFACT_UNITS, ...rules.extraUnits]) : UN_CEFACT_UNITS,
    domains: new Set(rules.classificationDomains),
    extrinsics: rules.requiredExtrinsics,
  }
}
