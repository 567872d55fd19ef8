/**
 * The one place inbound cXML text is turned into an object tree (docs/cxml.md, "Hostile input"), plus
 * small accessors that refuse duplicated singular elements. Every element is parsed as an
 * array (isArray for all tags), so "appears twice" is visible everywhere and no code path
 * can silently read the first of two Sender/From/Credential elements (parser differential).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { PunchgateError } from '../../errors/index.ts'

/** An element with attributes or children: `@_name` attributes, child arrays, `#text`. */
export type XmlElement = { [key: string]: unknown }
/** A text-only element parses to its string; anything else to an XmlElement. */
export type XmlValue = string | XmlElement

const ATTR = '@_'
const TEXT = '#text'

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  // Keep text exactly as sent (BuyerCookie is echoed raw); callers trim where protocol says so.
  trimValues: false,
  processEntities: true,
  htmlEntities: true, // decodes numeric references such as &#xD; that real documents carry
  ignorePiTags: true,
  maxNestedTags: 64,
  isArray: (_name: string, _jPath: unknown, _isLeaf: boolean, isAttribute: boolean) => !isAttribute,
})

const malformed = (message: string): PunchgateError => new PunchgateError('PG_ERR_CXML_MALFORMED', message)
const invalid = (message: string): PunchgateError => new PunchgateError('PG_ERR_CXML_INVALID', message)

/** Refuse DTD features cXML never needs before any parser sees them. */
function refuseDeclarations(xml: string): void {
  if (/<!ENTITY/i.test(xml)) {
    throw new PunchgateError(
      'PG_ERR_CXML_ENTITY',
      'The document declares an entity (<!ENTITY ...>); cXML documents never need entity declarations, so they are refused. Remove the declaration and reference the public cXML DTD only.',
    )
  }
  // An internal subset can only carry declarations; the public SYSTEM/PUBLIC DTD reference is fine.
  if (/<!DOCTYPE\s+[^\s>[]+(?:\s+(?:SYSTEM|PUBLIC)(?:\s+(?:"[^"]*"|'[^']*'))+)?\s*\[/i.test(xml)) {
    throw new PunchgateError(
      'PG_ERR_CXML_ENTITY',
      'The DOCTYPE carries an internal subset ([ ... ]); cXML documents only reference the public cXML DTD, so inline declarations are refused.',
    )
  }
}

/** cXML names are short and its elements carry a handful of attributes (docs/cxml.md, "Hostile input"). */
export const MAX_NAME_LENGTH = 256
export const MAX_ATTRIBUTES = 64

const isNameEnd = (c: string): boolean => c === '>' || c === '/' || c === '=' || c === '"' || c === "'" || c <= ' '

/** End of the construct starting at `at` (`<!--`, `<![CDATA[`, `<?`, `<!`), or -1 when it never ends. */
function skipSpecial(xml: string, at: number): number {
  const close = xml.startsWith('<!--', at) ? '-->' : xml.startsWith('<![CDATA[', at) ? ']]>' : xml[at + 1] === '?' ? '?>' : '>'
  const end = xml.indexOf(close, at + 2)
  return end < 0 ? -1 : end + close.length
}

/**
 * One linear pass over the markup before any parser sees it: refuses a tag or attribute name
 * longer than MAX_NAME_LENGTH and a tag with more than MAX_ATTRIBUTES attributes, which cost the
 * parser time out of all proportion (50 000 attributes: a third of a second). Quoted values are
 * skipped whole, so a `>` or `=` inside one neither ends the tag nor counts.
 */
function refuseOversizedMarkup(xml: string): void {
  for (let i = xml.indexOf('<'); i >= 0 && i < xml.length; i = xml.indexOf('<', i)) {
    const next = xml[i + 1]
    if (next === '!' || next === '?') {
      i = skipSpecial(xml, i)
      if (i < 0) return
      continue
    }
    let j = next === '/' ? i + 2 : i + 1
    let attributes = 0
    while (j < xml.length && xml[j] !== '>') {
      const c = xml[j]!
      if (c === '"' || c === "'") {
        const close = xml.indexOf(c, j + 1)
        if (close < 0) return
        j = close + 1
      } else if (isNameEnd(c)) {
        if (c === '=' && ++attributes > MAX_ATTRIBUTES) {
          throw malformed(`An element carries more than ${MAX_ATTRIBUTES} attributes; no cXML element has that many, so the document is refused.`)
        }
        j++
      } else {
        const start = j
        while (j < xml.length && !isNameEnd(xml[j]!) && xml[j] !== '<') j++
        if (j - start > MAX_NAME_LENGTH) {
          throw malformed(`An element or attribute name is longer than ${MAX_NAME_LENGTH} characters; no cXML name is, so the document is refused.`)
        }
        if (xml[j] === '<') break
      }
    }
    i = j
  }
}

/** Translate a parser exception into a message for the sender, never the library's stack. */
function parserFailure(error: unknown): PunchgateError {
  const text = error instanceof Error ? error.message : ''
  const name = /Invalid name: "([^"]+)"/.exec(text)?.[1]
  if (name !== undefined) return malformed(`The element or attribute name "${name}" is not allowed in a cXML document.`)
  if (/nested tags/i.test(text)) return malformed('Elements are nested more than 64 levels deep; no cXML document needs that, so it is refused.')
  return malformed('The body is not a well-formed XML document; check that every element is closed and the document is complete.')
}

const VALIDATION_KINDS: Record<string, string> = {
  InvalidTag: 'an invalid, unclosed or mismatched tag',
  InvalidAttr: 'an invalid or duplicated attribute',
  InvalidXml: 'malformed markup',
  InvalidChar: 'a character not allowed there',
}

/**
 * Parse decoded XML text and return the single `cXML` root element.
 * Throws PG_ERR_CXML_ENTITY for entity declarations, PG_ERR_CXML_MALFORMED otherwise.
 */
export function parseCxmlRoot(xml: string): XmlElement {
  if (xml.trim() === '') throw malformed('The body is empty; send a cXML document.')
  refuseDeclarations(xml)
  // XML 1.0 allows no C0 control character but tab, CR and LF (and NUL cannot be stored).
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.exec(xml)
  if (control) throw malformed(`The body contains a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}) at line ${xml.slice(0, control.index).split('\n').length}, which XML does not allow.`)
  refuseOversizedMarkup(xml)
  const verdict = XMLValidator.validate(xml)
  if (verdict !== true) {
    // The validator's own message quotes document text — possibly a SharedSecret: name the kind only.
    const kind = VALIDATION_KINDS[verdict.err.code] ?? 'malformed markup'
    throw malformed(`The body is not well-formed XML: ${kind} at line ${verdict.err.line}, column ${verdict.err.col}.`)
  }
  let tree: XmlElement
  try {
    tree = parser.parse(xml) as XmlElement
  } catch (error) {
    throw parserFailure(error)
  }
  const roots = Object.keys(tree).filter((k) => k !== TEXT && !k.startsWith('?'))
  const all = roots.flatMap((k) => (tree[k] as unknown[]).map(() => `<${k}>`))
  if (all.length !== 1) throw malformed(`An XML document has exactly one root element; this body has ${all.length} (${all.join(', ')}).`)
  if (roots[0] !== 'cXML') throw malformed(`The root element is <${roots[0]}>; a cXML document starts with <cXML>.`)
  const root = (tree.cXML as XmlValue[])[0]!
  // `<cXML/>` or `<cXML>text</cXML>` parse to a string: treat as an element without attributes.
  return typeof root === 'string' ? {} : root
}

/** All child elements called `name` (empty when none). */
export function children(node: XmlValue, name: string): XmlValue[] {
  if (typeof node === 'string' || !Object.hasOwn(node, name)) return []
  const value = node[name]
  return Array.isArray(value) ? (value as XmlValue[]) : []
}

/** The single child `name`, or undefined; more than one is refused (PG_ERR_CXML_INVALID). */
export function optionalOne(node: XmlValue, name: string, path: string): XmlValue | undefined {
  const found = children(node, name)
  if (found.length > 1) {
    throw invalid(`${path}/${name} appears ${found.length === 2 ? 'twice' : `${found.length} times`}; a cXML document has at most one.`)
  }
  return found[0]
}

/** The single required child `name`; missing or repeated is refused (PG_ERR_CXML_INVALID). */
export function requiredOne(node: XmlValue, name: string, path: string): XmlValue {
  const found = children(node, name)
  if (found.length === 0) throw invalid(`${path} has no ${name} element; a cXML document needs exactly one.`)
  if (found.length > 1) {
    throw invalid(`${path}/${name} appears ${found.length === 2 ? 'twice' : `${found.length} times`}; a cXML document has exactly one.`)
  }
  return found[0]!
}

/** Attribute value as sent, or undefined. */
export function attr(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string') return undefined
  const key = ATTR + name
  return Object.hasOwn(node, key) ? String(node[key]) : undefined
}

/** The element's own text, all pieces concatenated (comments/CDATA never split it), untrimmed. */
export function rawText(node: XmlValue | undefined): string {
  if (node === undefined) return ''
  if (typeof node === 'string') return node
  return Object.hasOwn(node, TEXT) ? String(node[TEXT]) : ''
}

/** Trimmed text; undefined when the element is absent or its text is blank. */
export function textOf(node: XmlValue | undefined): string | undefined {
  const value = rawText(node).trim()
  return value === '' ? undefined : value
}

/** Names of the child elements, in first-appearance order. */
export function elementNames(node: XmlValue): string[] {
  if (typeof node === 'string') return []
  return Object.keys(node).filter((k) => k !== TEXT && !k.startsWith(ATTR))
}
