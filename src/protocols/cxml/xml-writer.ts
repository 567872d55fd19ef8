/**
 * A minimal XML writer for the documents the gateway sends: elements with attributes and either
 * text or children, pretty-printed with two-space indentation. It exists for speed — a 200-line
 * PunchOutOrderMessage took 37 ms through a DOM-building library and takes well under 1 ms here
 * (docs/architecture.md, "The write path") — and it escapes every value itself:
 * `&`, `<`, `>` in text; those and `"` in attributes; characters XML 1.0 cannot carry at all
 * (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped; a CR in text is written as
 * `&#xD;` so end-of-line normalization does not turn it into a LF at the buyer.
 */
export interface XmlElement {
  readonly name: string
  readonly attrs: ReadonlyArray<readonly [string, string]>
  text?: string
  readonly children: XmlElement[]
}

/** Appends `<name attrs>text</name>` to `parent` (when given) and returns it. */
export function element(parent: XmlElement | null, name: string, attrs: Record<string, string> = {}, text?: string): XmlElement {
  const el: XmlElement = { name, attrs: Object.entries(attrs), children: [], ...(text !== undefined ? { text } : {}) }
  parent?.children.push(el)
  return el
}

/** The whole document: XML declaration, DOCTYPE with its system identifier, the root element. */
export function serializeDocument(root: XmlElement, doctype: { name: string; systemId: string }): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<!DOCTYPE ${doctype.name} SYSTEM "${escapeAttribute(doctype.systemId)}">`]
  write(root, '', out)
  return out.join('\n')
}

function write(el: XmlElement, indent: string, out: string[]): void {
  let open = `${indent}<${el.name}`
  for (const [name, value] of el.attrs) open += ` ${name}="${escapeAttribute(value)}"`
  if (el.children.length > 0) {
    out.push(`${open}>`)
    for (const child of el.children) write(child, `${indent}  `, out)
    out.push(`${indent}</${el.name}>`)
    return
  }
  const text = el.text === undefined ? '' : escapeText(el.text)
  out.push(text === '' ? `${open}/>` : `${open}>${text}</${el.name}>`)
}

/** Everything outside XML 1.0's Char production (with the `u` flag a lone surrogate is one code point). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' }
const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }

export const escapeText = (value: string): string => value.replace(NOT_XML_CHAR, '').replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!)

/** Tab, CR and LF become spaces: a parser normalizes them so anyway (attribute-value normalization). */
const escapeAttribute = (value: string): string =>
  value.replace(NOT_XML_CHAR, '').replace(/\r\n|[\t\n\r]/g, ' ').replace(/[&<>"]/g, (c) => ATTRIBUTE_ESCAPES[c]!)
