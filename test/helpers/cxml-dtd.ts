/**
 * Validates generated cXML against the cXML 1.2.063 DTD (schemas/dtd/cXML-1.2.063.dtd).
 *
 * Why not `xmllint --valid`: the xmllint-wasm 5.3.0 build in node_modules is compiled without
 * DTD validation (`--valid`, `--dtdvalid`, `--postvalid` are "Unknown option"). It does ship
 * RELAX NG. So this helper translates the DTD mechanically into an equivalent RELAX NG grammar
 * (element content models, required/optional/enumerated/fixed attributes, undeclared
 * attributes refused) and lets xmllint-wasm's libxml2 validate against that. ID/IDREF
 * cross-checks are not translated; cXML output does not use them.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import { validateXML } from 'xmllint-wasm'

const DTD_PATH = fileURLToPath(new URL('../../schemas/dtd/cXML-1.2.063.dtd', import.meta.url))

interface AttrDef { name: string; type: string; values?: string[]; mode: 'required' | 'implied' | 'fixed' | 'default'; fixed?: string }

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')
const defName = (element: string): string => `e.${element.replace(/:/g, '.')}`
const unquote = (s: string): string => s.slice(1, -1)

/** Walk the DTD in order: parameter entities (first declaration wins), conditional sections, declarations. */
function readDtd(source: string): { elements: Map<string, string>; attlists: Map<string, AttrDef[]> } {
  const pe = new Map<string, string>()
  const expand = (s: string): string => {
    for (let i = 0; i < 20 && /%[\w.:-]+;/.test(s); i++) s = s.replace(/%([\w.:-]+);/g, (_, n: string) => pe.get(n) ?? '')
    return s
  }
  const elements = new Map<string, string>()
  const attlists = new Map<string, AttrDef[]>()
  let text = source.replace(/<!--[\s\S]*?-->/g, ' ')
  const decl = /<!(ELEMENT|ATTLIST|ENTITY|NOTATION)((?:[^>"']|"[^"]*"|'[^']*')*)>/y
  let i = 0
  while (i < text.length) {
    if (text.startsWith('<![', i)) {
      const open = text.indexOf('[', i + 3)
      const keyword = expand(text.slice(i + 3, open)).trim()
      if (keyword === 'IGNORE') {
        let depth = 1
        let j = open + 1
        while (depth > 0) {
          const nextOpen = text.indexOf('<![', j)
          const nextClose = text.indexOf(']]>', j)
          if (nextOpen >= 0 && nextOpen < nextClose) { depth++; j = nextOpen + 3 } else { depth--; j = nextClose + 3 }
        }
        i = j
      } else {
        i = open + 1 // INCLUDE: keep the content; its closing ]]> is skipped below
      }
    } else if (text.startsWith(']]>', i)) {
      i += 3
    } else if (text[i] === '%') {
      const m = /%([\w.:-]+);/y
      m.lastIndex = i
      const hit = m.exec(text)
      if (hit === null) { i++; continue }
      text = text.slice(0, i) + (pe.get(hit[1]!) ?? '') + text.slice(m.lastIndex)
    } else if (text.startsWith('<!', i)) {
      decl.lastIndex = i
      const m = decl.exec(text)
      if (m === null) throw new Error(`cannot read DTD near: ${text.slice(i, i + 60)}`)
      i = decl.lastIndex
      const body = m[2]!
      if (m[1] === 'ENTITY') {
        const p = /^\s*%\s+([\w.:-]+)\s+("[^"]*"|'[^']*')/.exec(body)
        if (p !== null && !pe.has(p[1]!)) pe.set(p[1]!, expand(unquote(p[2]!)))
      } else if (m[1] === 'ELEMENT') {
        const [, name, model] = /^\s*(\S+)\s+([\s\S]*)$/.exec(expand(body))!
        if (!elements.has(name!)) elements.set(name!, model!.trim())
      } else if (m[1] === 'ATTLIST') {
        const tokens = expand(body).match(/"[^"]*"|'[^']*'|\([^)]*\)|[^\s()]+/g) ?? []
        const element = tokens.shift()!
        const list = attlists.get(element) ?? []
        while (tokens.length > 0) {
          const name = tokens.shift()!
          let type = tokens.shift()!
          if (type === 'NOTATION') type = tokens.shift()!
          const values = type.startsWith('(') ? unquote(type).split('|').map((v) => v.trim()) : undefined
          const d = tokens.shift()!
          const def: AttrDef = d === '#REQUIRED' ? { name, type, values, mode: 'required' }
            : d === '#IMPLIED' ? { name, type, values, mode: 'implied' }
            : d === '#FIXED' ? { name, type, values, mode: 'fixed', fixed: unquote(tokens.shift()!) }
            : { name, type, values, mode: 'default' }
          if (!list.some((a) => a.name === name)) list.push(def)
        }
        attlists.set(element, list)
      }
    } else {
      i++
    }
  }
  return { elements, attlists }
}

/** DTD content model → RELAX NG pattern. */
function contentPattern(model: string, declared: Set<string>): string {
  if (model === 'EMPTY') return '<empty/>'
  if (model === 'ANY') return '<ref name="any.content"/>'
  const tokens = model.match(/#PCDATA|[\w.:-]+|[(),|?*+]/g) ?? []
  let pos = 0
  const particle = (): string => {
    const tok = tokens[pos++]!
    let out: string
    if (tok === '(') {
      const items = [particle()]
      let sep = ''
      while (tokens[pos] === ',' || tokens[pos] === '|') { sep = tokens[pos++]!; items.push(particle()) }
      pos++ // ')'
      out = items.length === 1 ? items[0]! : `<${sep === ',' ? 'group' : 'choice'}>${items.join('')}</${sep === ',' ? 'group' : 'choice'}>`
    } else if (tok === '#PCDATA') {
      out = '<text/>'
    } else {
      out = declared.has(tok) ? `<ref name="${defName(tok)}"/>` : '<notAllowed/>'
    }
    const mod = tokens[pos]
    if (mod === '?' || mod === '*' || mod === '+') {
      pos++
      const wrap = mod === '?' ? 'optional' : mod === '*' ? 'zeroOrMore' : 'oneOrMore'
      out = `<${wrap}>${out}</${wrap}>`
    }
    return out
  }
  return particle()
}

function attributePattern(a: AttrDef): string {
  const value = a.mode === 'fixed' ? `<value>${esc(a.fixed!)}</value>`
    : a.values !== undefined ? `<choice>${a.values.map((v) => `<value>${esc(v)}</value>`).join('')}</choice>`
    : '<text/>'
  const attribute = `<attribute name="${a.name}">${value}</attribute>`
  return a.mode === 'required' ? attribute : `<optional>${attribute}</optional>`
}

/** The whole DTD as a RELAX NG grammar with start element `cXML`. */
export function dtdToRelaxNg(dtd: string): string {
  const { elements, attlists } = readDtd(dtd)
  const declared = new Set(elements.keys())
  const prefixes = new Set([...declared].filter((n) => n.includes(':')).map((n) => n.split(':')[0]!))
  const ns = [...prefixes].map((p) => ` xmlns:${p}="urn:x-dtd-prefix:${p}"`).join('')
  const defines = [...elements].map(([name, model]) => {
    const attrs = (attlists.get(name) ?? []).filter((a) => a.name !== 'xmlns' && !a.name.startsWith('xmlns:'))
    return `<define name="${defName(name)}"><element name="${name}">${attrs.map(attributePattern).join('')}${contentPattern(model, declared)}</element></define>`
  })
  const any = `<define name="any.content"><zeroOrMore><choice><text/>${[...declared].map((n) => `<ref name="${defName(n)}"/>`).join('')}</choice></zeroOrMore></define>`
  return `<?xml version="1.0"?><grammar xmlns="http://relaxng.org/ns/structure/1.0"${ns}><start><ref name="e.cXML"/></start>${any}${defines.join('')}</grammar>`
}

let grammar: string | undefined

/** Validate a cXML document; `errors` are xmllint's messages. */
export async function validateCxml(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  grammar ??= dtdToRelaxNg(readFileSync(DTD_PATH, 'utf8'))
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: xml }],
    schema: [{ fileName: 'cXML-1.2.063.rng', contents: grammar }],
    extension: 'relaxng',
    maxMemoryPages: 4096,
    // --nonet: the DOCTYPE names http://xml.cxml.org/...; never fetch it.
    modifyArguments: (args) => ['--nonet', ...args],
  })
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) }
}

/** Tap assertion: `xml` is valid against the cXML 1.2.063 DTD. */
export async function assertValidCxml(t: Test, xml: string, message = 'document is valid against the cXML 1.2.063 DTD'): Promise<void> {
  const { valid, errors } = await validateCxml(xml)
  t.ok(valid, message, { errors, xml: valid ? undefined : xml })
}
