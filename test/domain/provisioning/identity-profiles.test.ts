import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import {
  IDENTITY_FIELDS,
  PRESETS,
  PRESET_NAMES,
  describePreset,
  extractIdentity,
  formatMissingIdentity,
  identityProfileSchema,
  parseSource,
  resolveProfile,
  tryParseSource,
  type IdentityProfileConfig,
} from '../../../src/domain/provisioning/identity-profiles.ts'
import type { BuyerIdentity, IdentitySource } from '../../../src/domain/provisioning/identity-source.ts'
import { identitySourceFromXml } from '../../helpers/identity-source-from-xml.ts'

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/cxml/${name}`, import.meta.url)), 'utf8')

const GENERIC_KEY_LOOKED_IN = [
  'Extrinsic "UniqueName"',
  'Extrinsic "UniqueUsername"',
  'Extrinsic "UserId"',
  'Extrinsic "User"',
  'Extrinsic "UserEmail"',
  'Contact (any role) Email',
]

function source(partial: Partial<IdentitySource>): IdentitySource {
  return { protocol: 'cxml', extrinsics: [], contacts: [], header: {}, formFields: {}, ...partial }
}

const ext = (...pairs: Array<[string, string]>) => pairs.map(([name, value]) => ({ name, value }))

// ---------------------------------------------------------------------------------------------
// Corpus: every setup request, with the generic preset and the matching vendor preset.

interface CorpusCase {
  file: string
  profile: IdentityProfileConfig
  identity: BuyerIdentity
  missing?: { fields: string[]; lookedIn: string[] }
}

const coupaIdentity: BuyerIdentity = {
  email: 'noah+jim@coupa.com',
  uniqueName: 'jim',
  displayName: 'Jim Halpert',
  firstName: 'Jim',
  lastName: 'Halpert',
  businessUnit: 'COUPA',
  locale: 'en-US',
  roles: [],
}

const equalLevelIdentity: BuyerIdentity = {
  email: 'info@equallevel.com',
  uniqueName: 'jdoe12345',
  displayName: 'Erik Florida',
  firstName: 'Erik',
  lastName: 'Florida',
  phone: '555-555-5555',
  shipToId: 'TEST',
  locale: 'en',
  roles: [],
}

const corpus: CorpusCase[] = [
  { file: 'coupa-setup-create-extrinsics-rubytime-timestamp.xml', profile: 'generic', identity: coupaIdentity },
  { file: 'coupa-setup-create-extrinsics-rubytime-timestamp.xml', profile: 'coupa', identity: coupaIdentity },
  { file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml', profile: 'generic', identity: equalLevelIdentity },
  // Ariba reads User (not UniqueUsername): same value in this capture.
  { file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml', profile: 'ariba', identity: equalLevelIdentity },
  {
    file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml',
    profile: 'jaggaer',
    identity: equalLevelIdentity,
  },
  {
    file: 'generic-setup-edit-shape-selecteditem-itemout.xml',
    profile: 'generic',
    // No login extrinsic: the unique name falls back to the email.
    identity: { email: 'john-doe@domain.com', uniqueName: 'john-doe@domain.com', locale: 'en-US', roles: [] },
  },
  {
    file: 'generic-setup-edit-shape-selecteditem-itemout.xml',
    profile: 'ariba',
    identity: { email: 'john-doe@domain.com', uniqueName: 'john-doe@domain.com', locale: 'en-US', roles: [] },
  },
  {
    file: 'iesa-setup-create-minimal-whitespace-urls.xml',
    profile: 'generic',
    identity: { locale: 'en-UK', roles: [] },
    missing: { fields: ['uniqueName', 'email'], lookedIn: GENERIC_KEY_LOOKED_IN },
  },
  {
    file: 'iesa-setup-create-shipto-whitespace-urls.xml',
    profile: 'generic',
    // ShipTo carries an address ID and a Name ("jmadden"), but no person source: not the buyer.
    identity: { shipToId: '3119', locale: 'en-UK', roles: [] },
    missing: { fields: ['uniqueName', 'email'], lookedIn: GENERIC_KEY_LOOKED_IN },
  },
  {
    file: 'iesa-setup-create-shipto-whitespace-urls.xml',
    profile: 'coupa',
    identity: { shipToId: '3119', locale: 'en-UK', roles: [] },
    missing: {
      fields: ['uniqueName', 'email'],
      lookedIn: ['Extrinsic "UniqueName"', 'Extrinsic "User"', 'Extrinsic "UserEmail"', 'Contact role="endUser" Email'],
    },
  },
]

for (const c of corpus) {
  t.test(`corpus ${c.file} with ${JSON.stringify(c.profile)}`, async (t) => {
    const result = extractIdentity(resolveProfile(c.profile), identitySourceFromXml(fixture(c.file)))
    t.same(result.identity, c.identity)
    if (c.missing) {
      t.ok(result.missing, 'identity reported missing')
      t.same(result.missing?.fields, c.missing.fields)
      t.same(result.missing?.lookedIn, c.missing.lookedIn)
    } else {
      t.equal(result.missing, undefined)
    }
  })
}

t.test('the missing-identity message names what and where', async (t) => {
  const { missing } = extractIdentity(
    resolveProfile('generic'),
    identitySourceFromXml(fixture('iesa-setup-create-minimal-whitespace-urls.xml')),
  )
  t.ok(missing)
  t.equal(missing!.description, 'unique name or email')
  t.equal(
    formatMissingIdentity(missing!),
    'The setup request does not identify the buyer: no unique name or email. Looked in: ' +
      GENERIC_KEY_LOOKED_IN.join(', ') +
      '.',
  )
})

// ---------------------------------------------------------------------------------------------
// Synthetic cases

t.test('roles: repeated Role extrinsics and a Roles list, trimmed and de-duplicated', async (t) => {
  // Union in source order (every `Role` extrinsic, then `Roles`), first spelling kept.
  const { identity } = extractIdentity(
    resolveProfile('generic'),
    source({
      extrinsics: ext(
        ['UserEmail', 'a@b.example'],
        ['Role', 'Buyer'],
        ['Roles', ' approver , buyer;Requester ;; '],
        ['role', 'APPROVER'],
        ['Role', '  '],
        ['Role', 'Cost Center Lead'],
      ),
    }),
  )
  t.same(identity.roles, ['Buyer', 'APPROVER', 'Cost Center Lead', 'Requester'])
})

t.test('nameless extrinsics are ignored; names match case-insensitively', async (t) => {
  const { identity, missing } = extractIdentity(
    resolveProfile('generic'),
    source({
      extrinsics: [
        { name: '', value: 'nobody@example.com' },
        { name: '  ', value: 'nobody2@example.com' },
        { name: 'useremail', value: '  Jane.Doe@Example.COM ' },
        { name: 'UNIQUENAME', value: ' JDoe ' },
        { name: 'firstname', value: 'Jane' },
      ],
    }),
  )
  t.equal(missing, undefined)
  t.equal(identity.email, 'jane.doe@example.com', 'email trimmed and lower-cased')
  t.equal(identity.uniqueName, 'JDoe', 'unique name trimmed, case kept')
  t.equal(identity.displayName, 'Jane', 'composed from the first name alone')
})

t.test('empty values count as absent: next source wins', async (t) => {
  const { identity } = extractIdentity(
    resolveProfile('generic'),
    source({
      extrinsics: ext(['UniqueName', '   '], ['UniqueUsername', ''], ['UserId', '42'], ['UserPrintableName', ' ']),
      contacts: [{ role: 'endUser', name: 'Pat Contact', email: 'PAT@EXAMPLE.COM' }],
    }),
  )
  t.equal(identity.uniqueName, '42')
  t.equal(identity.email, 'pat@example.com')
  t.equal(identity.displayName, 'Pat Contact')
})

t.test('composed first + last name wins over a Contact name (Coupa sends the login there)', async (t) => {
  const { identity } = extractIdentity(
    resolveProfile('coupa'),
    source({
      extrinsics: ext(['FirstName', 'Jim'], ['LastName', 'Halpert']),
      contacts: [{ role: 'endUser', name: 'jim', email: 'jim@example.com' }],
    }),
  )
  t.equal(identity.displayName, 'Jim Halpert')
})

t.test('contact role filter: the coupa preset reads only role="endUser"', async (t) => {
  const src = source({
    contacts: [
      { role: 'buyer', name: 'Other', email: 'other@example.com' },
      { role: 'ENDUSER', name: 'Right One', email: 'right@example.com', phone: '+1 555' },
    ],
  })
  const coupa = extractIdentity(resolveProfile('coupa'), src).identity
  t.equal(coupa.email, 'right@example.com')
  t.equal(coupa.displayName, 'Right One')
  t.equal(coupa.phone, '+1 555')
  const generic = extractIdentity(resolveProfile('generic'), src).identity
  t.equal(generic.email, 'other@example.com', 'contact:* takes the first contact that has an email')
})

t.test('a value that is not an email address is skipped for email', async (t) => {
  const { identity } = extractIdentity(
    resolveProfile('generic'),
    source({ extrinsics: ext(['UserEmail', 'jdoe']), contacts: [{ email: 'jdoe@example.com' }] }),
  )
  t.equal(identity.email, 'jdoe@example.com')
})

t.test('a field override replaces the preset sources for that field only', async (t) => {
  const profile = resolveProfile({
    preset: 'generic',
    fields: { email: ['extrinsic:WorkEmail'], costCenter: ['extrinsic:Kostenstelle', 'extrinsic:CostCenter'] },
  })
  t.same(profile.overridden, ['email', 'costCenter'])
  t.same(
    profile.fields.email.map((s) => s.spec),
    ['extrinsic:WorkEmail'],
  )
  const { identity } = extractIdentity(
    profile,
    source({
      extrinsics: ext(['UserEmail', 'ignored@example.com'], ['WorkEmail', 'used@example.com'], ['Kostenstelle', '4711'], ['CostCenter', '99']),
      contacts: [{ email: 'contact@example.com' }],
    }),
  )
  t.equal(identity.email, 'used@example.com', 'UserEmail and Contact no longer read')
  t.equal(identity.costCenter, '4711')
  t.equal(identity.uniqueName, 'used@example.com', 'other fields keep the preset (unique name from the email)')
})

t.test('require: email makes an absent email a missing identity, listing where it looked', async (t) => {
  const profile = resolveProfile({ preset: 'generic', require: ['email'] })
  const { identity, missing } = extractIdentity(profile, source({ extrinsics: ext(['UniqueName', 'jdoe']) }))
  t.equal(identity.uniqueName, 'jdoe')
  t.same(missing, {
    fields: ['email'],
    description: 'email',
    lookedIn: ['Extrinsic "UserEmail"', 'Contact (any role) Email'],
  })
  const ok = extractIdentity(profile, source({ extrinsics: ext(['UserEmail', 'x@example.com']) }))
  t.equal(ok.missing, undefined)
})

t.test('require with alternatives and extra fields; displayName lists the name sources', async (t) => {
  const profile = resolveProfile({ preset: 'coupa', require: ['displayName', ['costCenter', 'department']] })
  const { missing } = extractIdentity(profile, source({ extrinsics: ext(['UserEmail', 'x@example.com']) }))
  t.same(missing?.fields, ['displayName', 'costCenter', 'department'])
  t.equal(missing?.description, 'display name, cost center or department')
  t.same(missing?.lookedIn, [
    'Extrinsic "FirstName"',
    'Extrinsic "LastName"',
    'Contact role="endUser" Name',
    'Extrinsic "CostCenter"',
    'Extrinsic "Department"',
  ])
})

t.test('SAP OCI: person fields, roles list, language; USERNAME is never a person', async (t) => {
  const oci = (formFields: Record<string, string>) => source({ protocol: 'oci', formFields })
  const profile = resolveProfile('sap-oci')
  const { identity, missing } = extractIdentity(
    profile,
    oci({
      USERNAME: 'CATALOG_TECH',
      PASSWORD: 'secret',
      HOOK_URL: 'https://srm.example.com/hook',
      'SY-UNAME': 'JDOE',
      USER_EMAIL: 'J.Doe@Example.COM',
      USER_NAME: 'John Doe',
      ROLES: 'buyer, approver',
      'SY-LANGU': 'DE',
    }),
  )
  t.equal(missing, undefined)
  t.same(identity, {
    uniqueName: 'JDOE',
    email: 'j.doe@example.com',
    displayName: 'John Doe',
    roles: ['buyer', 'approver'],
    locale: 'DE',
  })

  const lower = extractIdentity(profile, oci({ user_id: 'u1', email: 'u1@example.com', langu: 'EN', role: 'buyer' }))
  t.same(lower.identity, { uniqueName: 'u1', email: 'u1@example.com', locale: 'EN', roles: ['buyer'] }, 'field names are case-insensitive')

  const techOnly = extractIdentity(profile, oci({ USERNAME: 'CATALOG_TECH', PASSWORD: 'secret' }))
  t.same(techOnly.identity, { roles: [] }, 'USERNAME is not read as the person')
  t.ok(techOnly.missing)
  t.same(techOnly.missing?.lookedIn, ['OCI field SY-UNAME', 'OCI field USER_ID', 'OCI field USER_EMAIL', 'OCI field EMAIL'])

  for (const name of PRESET_NAMES) {
    const specs = Object.values(PRESETS[name]).flat().map((s) => s.toUpperCase())
    t.notOk(specs.includes('OCI:USERNAME') || specs.includes('OCI:PASSWORD'), `${name} never reads USERNAME/PASSWORD`)
  }
  const refused = identityProfileSchema.safeParse({ preset: 'sap-oci', fields: { uniqueName: ['oci:username'] } })
  t.notOk(refused.success)
  t.match(refused.error?.issues[0]?.message, /USERNAME is the technical OCI login/)
  t.throws(() => parseSource('oci:USERNAME'), TypeError)
})

t.test('cXML sources read nothing from an OCI request and vice versa', async (t) => {
  const { identity } = extractIdentity(
    resolveProfile('generic'),
    source({ protocol: 'oci', formFields: { USEREMAIL: 'a@b.example', USER_EMAIL: 'a@b.example' } }),
  )
  t.same(identity, { roles: [] })
})

// ---------------------------------------------------------------------------------------------
// Config schema

t.test('schema: accepts preset names and objects, rejects bad sources naming them', async (t) => {
  for (const name of PRESET_NAMES) t.ok(identityProfileSchema.safeParse(name).success, name)
  t.ok(
    identityProfileSchema.safeParse({
      preset: 'coupa',
      fields: {
        email: ['extrinsic:Work Email', 'contact:endUser/EMAIL', 'contact:*/email'],
        shipToId: ['shipTo:addressID'],
        department: ['header:fromIdentity', 'oci:DEPT'],
        locale: ['header:lang'],
        uniqueName: ['derived:email'],
        displayName: ['shipTo:name', 'derived:firstName+lastName'],
      },
      require: ['email', ['costCenter', 'department']],
    }).success,
  )

  const bad = identityProfileSchema.safeParse({ preset: 'generic', fields: { email: ['extrinsic:UserEmail', 'xpath://Email'] } })
  t.notOk(bad.success)
  t.same(bad.error?.issues[0]?.path, ['fields', 'email', 1])
  t.match(z.prettifyError(bad.error!), /"xpath:\/\/Email"/)

  const cases: Array<[unknown, RegExp]> = [
    [{ preset: 'generic', fields: { email: ['contact:endUser'] } }, /"contact:endUser"/],
    [{ preset: 'generic', fields: { email: ['contact:endUser/fax'] } }, /"contact:endUser\/fax"/],
    [{ preset: 'generic', fields: { email: ['extrinsic:'] } }, /"extrinsic:"/],
    [{ preset: 'generic', fields: { email: ['UserEmail'] } }, /"UserEmail"/],
    [{ preset: 'generic', fields: { email: ['shipTo:street'] } }, /"shipTo:street"/],
    [{ preset: 'generic', fields: { email: ['derived:email'] } }, /cannot be used for email/],
    [{ preset: 'generic', fields: { roles: ['derived:firstName+lastName'] } }, /cannot be used for roles/],
    [{ preset: 'generic', fields: { mail: ['extrinsic:Mail'] } }, /mail/],
    [{ preset: 'generic', require: ['password'] }, /.+/],
    [{ preset: 'nope' }, /generic, ariba, coupa, jaggaer, oracle, sap-oci/],
    ['workday', /unknown identity profile preset "workday"/],
    [{ preset: 'generic', extra: 1 }, /extra/],
  ]
  for (const [input, re] of cases) {
    const r = identityProfileSchema.safeParse(input)
    t.notOk(r.success, JSON.stringify(input))
    if (!r.success) t.match(z.prettifyError(r.error), re, JSON.stringify(input))
  }
  t.throws(() => resolveProfile({ preset: 'generic', fields: { email: ['bogus'] } }))
})

t.test('source parsing: canonical forms and labels', async (t) => {
  t.same(parseSource('Extrinsic:UserEmail'), { kind: 'extrinsic', name: 'UserEmail', spec: 'extrinsic:UserEmail', label: 'Extrinsic "UserEmail"' })
  t.match(parseSource('contact:*/EMAIL'), { kind: 'contact', role: '*', field: 'email', label: 'Contact (any role) Email' })
  t.match(parseSource('shipto:addressid'), { spec: 'shipTo:addressID' })
  t.match(parseSource('oci:sy-uname'), { field: 'SY-UNAME', label: 'OCI field SY-UNAME' })
  t.ok('error' in tryParseSource('header:userAgent'))
})

// ---------------------------------------------------------------------------------------------
// Presets as data

t.test('every preset source parses and describePreset covers every field', async (t) => {
  for (const name of PRESET_NAMES) {
    const rows = describePreset(name)
    t.same(rows.map((r) => r.field), [...IDENTITY_FIELDS], name)
    for (const row of rows) {
      t.equal(row.labels.length, row.sources.length)
      t.ok(identityProfileSchema.safeParse({ preset: name, fields: { [row.field]: row.sources } }).success, `${name}.${row.field}`)
    }
  }
  const generic = Object.fromEntries(describePreset('generic').map((r) => [r.field, r.sources]))
  t.same(generic.email, ['extrinsic:UserEmail', 'contact:*/email'])
  t.same(generic.uniqueName, ['extrinsic:UniqueName', 'extrinsic:UniqueUsername', 'extrinsic:UserId', 'extrinsic:User', 'derived:email'])
  const oci = Object.fromEntries(describePreset('sap-oci').map((r) => [r.field, r.sources]))
  t.same(oci.uniqueName?.slice(0, 2), ['oci:SY-UNAME', 'oci:USER_ID'])
  t.same(oci.locale, ['oci:SY-LANGU', 'oci:LANGU', 'oci:LANGUAGE'])
})
