/**
 * A deliberately tiny cXML reader for tests: builds the protocol-neutral IdentitySource from a
 * PunchOutSetupRequest without the production parser (which lives in src/protocols/cxml).
 * Reads only Extrinsics (with a name), Contacts (role, Name, Email, Phone), ShipTo
 * (addressID, Name), From identity, UserAgent and xml:lang. Not hardened: test input only.
 */
import { XMLParser } from 'fast-xml-parser'
import type { IdentitySource } from '../../src/domain/provisioning/identity-source.ts'

type Node = Record<string, unknown>

const ARRAYS = new Set(['Extrinsic', 'Contact', 'Credential', 'Email', 'Phone'])

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  isArray: (name) => ARRAYS.has(name),
})

/** Text of an element that may carry attributes (`{ '#text': ..., '@_xml:lang': ... }`). */
function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v.trim()
  if (Array.isArray(v)) return text(v[0])
  if (typeof v === 'object') {
    const t = (v as Node)['#text']
    return typeof t === 'string' ? t.trim() : t === undefined ? '' : String(t)
  }
  return String(v)
}

function attr(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined
  const v = (node as Node)[`@_${name}`]
  return typeof v === 'string' ? v : undefined
}

function asNode(v: unknown): Node | undefined {
  if (Array.isArray(v)) return asNode(v[0])
  return v !== null && typeof v === 'object' ? (v as Node) : undefined
}

/** Reads the first TelephoneNumber of a Phone element as "+cc area number". */
function phone(v: unknown): string | undefined {
  const p = asNode(v)
  const tel = asNode(p?.TelephoneNumber)
  if (!tel) return text(v)
  return [text(tel.CountryCode), text(tel.AreaOrCityCode), text(tel.Number)].filter(Boolean).join(' ')
}

export function identitySourceFromXml(xml: string): IdentitySource {
  const doc = parser.parse(xml) as Node
  const cxml = asNode(doc.cXML) ?? {}
  const header = asNode(cxml.Header) ?? {}
  const from = asNode(header.From)
  const sender = asNode(header.Sender)
  const request = asNode(cxml.Request) ?? {}
  const posr = asNode(request.PunchOutSetupRequest) ?? {}

  const extrinsics = ((posr.Extrinsic as unknown[] | undefined) ?? [])
    .map((e) => ({ name: attr(e, 'name'), value: text(e) ?? '' }))
    .filter((e): e is { name: string; value: string } => typeof e.name === 'string' && e.name.trim() !== '')

  const contacts = ((posr.Contact as unknown[] | undefined) ?? []).map((c) => {
    const n = asNode(c) ?? {}
    return { role: attr(c, 'role'), name: text(n.Name), email: text(n.Email), phone: phone(n.Phone) }
  })

  const address = asNode(asNode(posr.ShipTo)?.Address)
  const shipTo = address ? { addressID: attr(address, 'addressID'), name: text(address.Name) } : undefined

  return {
    protocol: 'cxml',
    extrinsics,
    contacts,
    shipTo,
    header: {
      fromIdentity: text(asNode(from?.Credential)?.Identity),
      userAgent: text(sender?.UserAgent),
      lang: attr(cxml, 'xml:lang'),
    },
    formFields: {},
  }
}
