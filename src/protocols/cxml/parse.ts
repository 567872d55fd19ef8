/**
 * Inbound cXML requests: bytes → CxmlRequestDocument. Pure (no database, no HTTP).
 * Order of checks: decode (PG_ERR_CXML_ENCODING) → entity/DOCTYPE screen (PG_ERR_CXML_ENTITY)
 * → well-formedness and single cXML root (PG_ERR_CXML_MALFORMED) → envelope and singular
 * elements (PG_ERR_CXML_INVALID) → request type (PG_ERR_CXML_UNSUPPORTED).
 */
import { isDeepStrictEqual } from 'node:util'
import type { IdentitySource } from '../identity-source.ts'
import { PunchgateError } from '../../errors/index.ts'
import { decodeXmlBody } from './decode.ts'
import { readOrderRequest } from './order.ts'
import { readSetupRequest } from './setup.ts'
import { parseCxmlTimestamp } from './timestamp.ts'
import type { Credential, CxmlHeader, CxmlRequestDocument, Envelope, SenderCredential } from './types.ts'
import { attr, children, elementNames, optionalOne, rawText, requiredOne, textOf } from './xml-tree.ts'
import type { XmlValue } from './xml-tree.ts'
import { parseCxmlRoot } from './xml-tree.ts'

const invalid = (message: string): PunchgateError => new PunchgateError('PG_ERR_CXML_INVALID', message)

/** Credential children of From/To/Sender; one per domain (case-insensitive), Identity required. */
function credentials(party: XmlValue, path: string): Array<{ node: XmlValue; credential: Credential }> {
  const nodes = children(party, 'Credential')
  if (nodes.length === 0) throw invalid(`${path} has no Credential; each of From, To and Sender needs at least one.`)
  const seen = new Set<string>()
  return nodes.map((node) => {
    const domain = attr(node, 'domain')
    if (domain === undefined || domain.trim() === '') throw invalid(`A Credential under ${path} has no domain attribute; it is required.`)
    const key = domain.trim().toLowerCase()
    if (seen.has(key)) {
      // Two credentials of one domain would let the checked identity and the used one differ.
      throw invalid(`${path} has two Credential elements with domain "${domain}"; send each domain once.`)
    }
    seen.add(key)
    const identityNode = requiredOne(node, 'Identity', `${path}/Credential`)
    if (elementNames(identityNode).length > 0) throw invalid(`${path}/Credential/Identity contains XML elements; an Identity must be plain text.`)
    return { node, credential: { domain, identity: rawText(identityNode).trim() } }
  })
}

function senderCredential(node: XmlValue, credential: Credential): SenderCredential {
  const path = 'Header/Sender/Credential'
  const secret = optionalOne(node, 'SharedSecret', path)
  if (secret !== undefined && elementNames(secret).length > 0) throw invalid(`${path}/SharedSecret contains XML elements; a SharedSecret must be plain text.`)
  const other = children(node, 'CredentialMac').length > 0 || children(node, 'DigitalSignature').length > 0
  return {
    ...credential,
    sharedSecret: secret === undefined ? undefined : rawText(secret).trim(),
    ...(other ? { usesUnsupportedAuthentication: true } : {}),
  }
}

function readHeader(root: XmlValue): CxmlHeader {
  const header = requiredOne(root, 'Header', 'cXML')
  const from = requiredOne(header, 'From', 'Header')
  const to = requiredOne(header, 'To', 'Header')
  const sender = requiredOne(header, 'Sender', 'Header')
  return {
    from: credentials(from, 'Header/From').map((c) => c.credential),
    to: credentials(to, 'Header/To').map((c) => c.credential),
    sender: credentials(sender, 'Header/Sender').map((c) => senderCredential(c.node, c.credential)),
    userAgent: textOf(optionalOne(sender, 'UserAgent', 'Header/Sender')),
  }
}

function deploymentMode(request: XmlValue): Envelope['deploymentMode'] {
  const raw = attr(request, 'deploymentMode')
  if (raw === undefined) return 'production' // DTD default
  const mode = raw.trim().toLowerCase()
  if (mode === 'production' || mode === 'test') return mode
  // Guessing could route test traffic to production; make the sender fix it.
  throw invalid(`Request deploymentMode="${raw}" is not valid; use "production" or "test".`)
}

function requiredAttr(root: XmlValue, name: string): string {
  const value = attr(root, name)
  if (value === undefined || value.trim() === '') throw invalid(`The cXML element has no ${name} attribute; every cXML document needs one.`)
  return value
}

/**
 * Parse an inbound cXML request (setup, profile or any other Request).
 * Response and Message documents are refused with PG_ERR_CXML_UNSUPPORTED.
 */
export function parseCxmlRequest(body: Buffer, contentType?: string): CxmlRequestDocument {
  return documentFromRoot(parseCxmlRoot(decodeXmlBody(body, contentType)))
}

/**
 * Bodies up to this many characters are parsed whole before authentication (a few milliseconds);
 * a larger one is authenticated on its Header alone, which must end within this window.
 */
export const HEAD_WINDOW = 64 * 1024

/** What authentication needs, read before the rest of the document is parsed. */
export interface CxmlHead {
  payloadID: string
  header: CxmlHeader
  /** The whole document once parsed, when it was small enough to parse before authentication. */
  parsed?: CxmlRequestDocument
}

/**
 * The first stage of a cXML request (docs/cxml.md, "Hostile input"): the work a sender can cause
 * before its credential is checked is bounded by HEAD_WINDOW. The Header comes before the
 * Request (cXML DTD), so a large document is read up to its `</Header>`, closed there, and parsed;
 * the full parse (completeCxmlRequest) runs only once the caller has authenticated that Header.
 */
export function readCxmlHead(body: Buffer, contentType?: string): CxmlHead {
  const text = decodeXmlBody(body, contentType)
  if (text.length <= HEAD_WINDOW) {
    const parsed = documentFromRoot(parseCxmlRoot(text))
    return { payloadID: parsed.envelope.payloadID, header: parsed.envelope.header, parsed }
  }
  const end = text.indexOf(HEADER_END)
  if (end < 0 || end + HEADER_END.length > HEAD_WINDOW) {
    throw invalid(`The Header must come first and end within the first ${HEAD_WINDOW / 1024} KiB of a document; this one does not.`)
  }
  const root = parseCxmlRoot(`${text.slice(0, end + HEADER_END.length)}</cXML>`)
  return { payloadID: requiredAttr(root, 'payloadID').trim(), header: readHeader(root) }
}

/**
 * The whole document whose head was authenticated. One parse decides: a Header that reads
 * differently in the whole document (a parser differential) must not be the one that was
 * authenticated. Pure and synchronous, so it also runs on a worker thread (parse-pool.ts).
 */
export function completeCxmlRequest(head: CxmlHead, body: Buffer, contentType?: string): CxmlRequestDocument {
  if (head.parsed) return head.parsed
  const doc = documentFromRoot(parseCxmlRoot(decodeXmlBody(body, contentType)))
  if (doc.envelope.payloadID !== head.payloadID || !isDeepStrictEqual(doc.envelope.header, head.header)) {
    throw invalid('The Header reads differently in the whole document than at its start; send one plain Header before the Request.')
  }
  return doc
}

const HEADER_END = '</Header>'

function documentFromRoot(root: XmlValue): CxmlRequestDocument {
  const payloadID = requiredAttr(root, 'payloadID').trim()
  const timestamp = requiredAttr(root, 'timestamp')

  const request = optionalOne(root, 'Request', 'cXML')
  const others = ['Response', 'Message'].filter((k) => children(root, k).length > 0)
  if (request === undefined) {
    const what = others.length > 0 ? `a ${others.join('/')} document` : 'a document without a Request element'
    throw new PunchgateError('PG_ERR_CXML_UNSUPPORTED', `This endpoint accepts only cXML requests (<Request>); the body is ${what}.`)
  }
  if (others.length > 0) throw invalid(`The cXML element holds both Request and ${others.join(' and ')}; a document carries exactly one of them.`)

  const envelope: Envelope = {
    payloadID,
    timestamp,
    timestampDate: parseCxmlTimestamp(timestamp),
    version: attr(root, 'version'),
    lang: attr(root, 'xml:lang'),
    header: readHeader(root),
    deploymentMode: deploymentMode(request),
  }

  const names = elementNames(request)
  const count = names.reduce((n, k) => n + children(request, k).length, 0)
  if (count === 0) throw invalid('The Request element is empty; it must hold one request such as PunchOutSetupRequest.')
  if (count > 1) throw invalid(`The Request element holds ${count} requests (${names.join(', ')}); a cXML Request holds exactly one.`)
  const element = names[0]!
  const inner = children(request, element)[0]!
  if (element === 'PunchOutSetupRequest') return { envelope, request: readSetupRequest(inner) }
  if (element === 'ProfileRequest') return { envelope, request: { kind: 'ProfileRequest' } }
  if (element === 'OrderRequest') return { envelope, request: readOrderRequest(inner) }
  return { envelope, request: { kind: 'Other', element } }
}

/** The protocol-neutral view identity profiles read (extrinsics, contacts, header facts). */
export function identitySourceFromSetup(doc: CxmlRequestDocument): IdentitySource {
  const setup = doc.request.kind === 'PunchOutSetupRequest' ? doc.request : undefined
  const shipTo = setup?.shipTo
  return {
    protocol: 'cxml',
    extrinsics: setup?.extrinsics.map((e) => ({ ...e })) ?? [],
    contacts: setup?.contacts.map((c) => ({ ...c })) ?? [],
    shipTo: shipTo === undefined ? undefined : { addressID: shipTo.addressID, name: shipTo.name },
    header: {
      fromIdentity: doc.envelope.header.from[0]?.identity,
      userAgent: doc.envelope.header.userAgent,
      lang: doc.envelope.lang,
    },
    formFields: {},
  }
}
