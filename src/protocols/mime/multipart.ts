/**
 * A `multipart/related` body (RFC 2387, MIME parts as in RFC 2046 section 5.1), the way a cXML
 * document travels with its attachments (docs/cxml.md, "Attachments"): the root part is the one
 * the `start` parameter names, or the first; the others are attachments, named by Content-ID.
 * Pure: bytes in, parts out. The body's size is already bounded by the route's body limit.
 */
import { PunchgateError } from '../../errors/index.ts'
import { decodeTransfer } from './transfer-encoding.ts'

/** More parts than any OrderRequest carries; a guard against a body of empty parts. */
export const MAX_PARTS = 50
const MAX_HEADER_BYTES = 8 * 1024

export interface MimePart {
  /** Header names lower-cased; a repeated header keeps its first value. */
  headers: Record<string, string>
  /** Without the angle brackets. */
  contentId?: string
  contentType: string
  /** From Content-Disposition `filename` or Content-Type `name`, when sent. */
  fileName?: string
  /** The decoded content (the transfer encoding undone). */
  content: Buffer
}

export interface MultipartRelated {
  root: MimePart
  attachments: MimePart[]
}

export const malformed = (message: string): PunchgateError => new PunchgateError('PG_ERR_MULTIPART_INVALID', message)

/** A media type and its parameters (names lower-cased, quoted values unquoted). */
export function parseMediaType(header: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = splitOutsideQuotes(header, ';')
  const params: Record<string, string> = {}
  for (const piece of rest) {
    const eq = piece.indexOf('=')
    if (eq < 0) continue
    const name = piece.slice(0, eq).trim().toLowerCase()
    const value = piece.slice(eq + 1).trim()
    if (name && !(name in params)) params[name] = value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value
  }
  return { type: type.trim().toLowerCase(), params }
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const pieces: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\\' && quoted) { current += c + (text[i + 1] ?? ''); i++; continue }
    if (c === '"') quoted = !quoted
    if (c === separator && !quoted) { pieces.push(current); current = '' } else current += c
  }
  pieces.push(current)
  return pieces
}

/** `<id>` or `id` as the bare Content-ID. */
export const bareContentId = (value: string): string => value.trim().replace(/^<(.*)>$/, '$1').trim()

/** Split a multipart/related body into its root part and its attachments. */
export function parseMultipartRelated(body: Buffer, contentType: string): MultipartRelated {
  const { type, params } = parseMediaType(contentType)
  if (type !== 'multipart/related') throw malformed(`Content-Type ${type} is not multipart/related.`)
  const boundary = params.boundary
  if (!boundary) throw malformed('The multipart/related Content-Type has no boundary parameter; the parts cannot be told apart.')
  if (boundary.length > 70) throw malformed(`The multipart boundary is ${boundary.length} characters long; MIME allows at most 70.`)
  const parts = splitParts(body, boundary).map(readPart)
  if (parts.length === 0) throw malformed('The multipart/related body has no parts; the cXML document must be one of them.')
  const start = params.start === undefined ? undefined : bareContentId(params.start)
  const rootIndex = start === undefined ? 0 : parts.findIndex((p) => p.contentId === start)
  if (rootIndex < 0) throw malformed(`The start parameter names Content-ID <${start}>, but no part has it.`)
  const root = parts[rootIndex]!
  const rootType = parseMediaType(root.contentType).type
  if (rootType !== 'text/xml' && rootType !== 'application/xml') {
    throw malformed(`The root part of the multipart/related body is ${rootType}; it must be the cXML document as text/xml or application/xml.`)
  }
  return { root, attachments: parts.filter((_, i) => i !== rootIndex) }
}

/** The raw parts between the delimiter lines; CRLF line ends, bare LF tolerated. */
function splitParts(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`)
  let at = firstDelimiter(body, delimiter)
  if (at < 0) throw malformed(`The body has no delimiter line "--${boundary}" (the boundary of its Content-Type).`)
  const parts: Buffer[] = []
  for (;;) {
    const afterDelimiter = at + delimiter.length
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString('latin1') === '--') return parts
    const start = lineEnd(body, afterDelimiter)
    const next = nextDelimiter(body, delimiter, start)
    if (next < 0) throw malformed(`The multipart body ends without its closing delimiter "--${boundary}--"; it may have been cut off.`)
    if (parts.length === MAX_PARTS) throw malformed(`The multipart body has more than ${MAX_PARTS} parts.`)
    const end = body[next - 1] === 0x0a ? (body[next - 2] === 0x0d ? next - 2 : next - 1) : next
    parts.push(body.subarray(start, end))
    at = next
  }
}

function firstDelimiter(body: Buffer, delimiter: Buffer): number {
  if (body.subarray(0, delimiter.length).equals(delimiter)) return 0
  return nextDelimiter(body, delimiter, 0)
}

/** A delimiter counts only at the start of a line. */
function nextDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  let at = body.indexOf(delimiter, from)
  while (at > 0 && body[at - 1] !== 0x0a) at = body.indexOf(delimiter, at + 1)
  return at
}

/** The index after the end of the delimiter's line (transport padding ignored). */
function lineEnd(body: Buffer, from: number): number {
  const lf = body.indexOf(0x0a, from)
  if (lf < 0) throw malformed('A multipart delimiter line is not followed by a line break.')
  return lf + 1
}

function readPart(raw: Buffer, index: number): MimePart {
  const where = `Part ${index + 1} of the multipart body`
  const { headers, content } = splitHeaders(raw, where)
  const contentId = headers['content-id'] === undefined ? undefined : bareContentId(headers['content-id'])
  const contentType = headers['content-type'] ?? 'text/plain'
  const disposition = headers['content-disposition'] === undefined ? {} : parseMediaType(headers['content-disposition']).params
  const fileName = disposition.filename ?? parseMediaType(contentType).params.name
  return {
    headers,
    ...(contentId ? { contentId } : {}),
    contentType,
    ...(fileName ? { fileName } : {}),
    content: decodeTransfer(content, headers['content-transfer-encoding'], where),
  }
}

function splitHeaders(raw: Buffer, where: string): { headers: Record<string, string>; content: Buffer } {
  const blank = headerEnd(raw)
  if (blank === undefined) throw malformed(`${where} has no blank line after its headers.`)
  if (blank.at > MAX_HEADER_BYTES) throw malformed(`${where} has more than ${MAX_HEADER_BYTES} bytes of headers.`)
  const headers: Record<string, string> = {}
  // UTF-8 header values (RFC 6532) keep non-ASCII file names readable.
  const lines = raw.subarray(0, blank.at).toString('utf8').split(/\r?\n/)
  const unfolded: string[] = []
  for (const line of lines) {
    if (/^[ \t]/.test(line) && unfolded.length) unfolded[unfolded.length - 1] += ` ${line.trim()}`
    else if (line !== '') unfolded.push(line)
  }
  for (const line of unfolded) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw malformed(`${where} has a header line without a name: ${JSON.stringify(line.slice(0, 80))}.`)
    const name = line.slice(0, colon).trim().toLowerCase()
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim()
  }
  return { headers, content: raw.subarray(blank.at + blank.length) }
}

/** Where the headers end: a part may also start with the blank line (no headers at all). */
function headerEnd(raw: Buffer): { at: number; length: number } | undefined {
  if (raw[0] === 0x0d && raw[1] === 0x0a) return { at: 0, length: 2 }
  if (raw[0] === 0x0a) return { at: 0, length: 1 }
  const crlf = raw.indexOf('\r\n\r\n')
  const lf = raw.indexOf('\n\n')
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 }
  return lf >= 0 ? { at: lf, length: 2 } : undefined
}
