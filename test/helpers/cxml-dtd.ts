/**
 * Validates generated cXML against the cXML 1.2.063 DTD (schemas/dtd/cXML-1.2.063.dtd), or — for a
 * document whose DOCTYPE names Fulfill.dtd (ConfirmationRequest, ShipNoticeRequest) — against the
 * Fulfill DTD (schemas/dtd/Fulfill-1.2.063.dtd).
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
const FULFILL_DTD_PATH = fileURLToPath(new URL('../../schemas/dtd/Fulfill-1.2.063.dtd', import.meta.url))

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

type Pattern =
  | { k: 'ref'; name: string }
  | { k: 'text' | 'empty' | 'notAllowed' }
  | { k: 'group' | 'choice'; items: Pattern[] }
  | { k: 'optional' | 'zeroOrMore' | 'oneOrMore'; item: Pattern }

const NOT_ALLOWED: Pattern = { k: 'notAllowed' }
const EMPTY: Pattern = { k: 'empty' }

/**
 * DTD content model → pattern, with RELAX NG's own simplification rules applied for the
 * elements of *this* document only: a reference to an element the document does not contain
 * can never match, so it becomes notAllowed and falls away. That keeps the grammar small
 * (the full cXML DTD as one grammar takes libxml2 about a minute to compile).
 */
function contentPattern(model: string, present: Set<string>): Pattern {
  if (model === 'EMPTY') return EMPTY
  if (model === 'ANY') return { k: 'zeroOrMore', item: { k: 'choice', items: [{ k: 'text' }, ...[...present].map((name): Pattern => ({ k: 'ref', name }))] } }
  const tokens = model.match(/#PCDATA|[\w.:-]+|[(),|?*+]/g) ?? []
  let pos = 0
  const particle = (): Pattern => {
    const tok = tokens[pos++]!
    let out: Pattern
    if (tok === '(') {
      const items = [particle()]
      let sep = ''
      while (tokens[pos] === ',' || tokens[pos] === '|') { sep = tokens[pos++]!; items.push(particle()) }
      pos++ // ')'
      out = simplify({ k: sep === '|' ? 'choice' : 'group', items })
    } else if (tok === '#PCDATA') {
      out = { k: 'text' }
    } else {
      out = present.has(tok) ? { k: 'ref', name: tok } : NOT_ALLOWED
    }
    const mod = tokens[pos]
    if (mod === '?' || mod === '*' || mod === '+') {
      pos++
      out = simplify({ k: mod === '?' ? 'optional' : mod === '*' ? 'zeroOrMore' : 'oneOrMore', item: out })
    }
    return out
  }
  return particle()
}

function simplify(p: Pattern): Pattern {
  if (p.k === 'group') {
    if (p.items.some((i) => i.k === 'notAllowed')) return NOT_ALLOWED
    const items = p.items.filter((i) => i.k !== 'empty')
    return items.length === 0 ? EMPTY : items.length === 1 ? items[0]! : { k: 'group', items }
  }
  if (p.k === 'choice') {
    const items = p.items.filter((i) => i.k !== 'notAllowed')
    return items.length === 0 ? NOT_ALLOWED : items.length === 1 ? items[0]! : { k: 'choice', items }
  }
  if (p.k === 'optional' || p.k === 'zeroOrMore') return p.item.k === 'notAllowed' || p.item.k === 'empty' ? EMPTY : p
  if (p.k === 'oneOrMore') return p.item.k === 'notAllowed' || p.item.k === 'empty' ? p.item : p
  return p
}

function emit(p: Pattern): string {
  switch (p.k) {
    case 'ref': return `<ref name="${defName(p.name)}"/>`
    case 'text': case 'empty': case 'notAllowed': return `<${p.k}/>`
    case 'group': case 'choice': return `<${p.k}>${p.items.map(emit).join('')}</${p.k}>`
    default: return `<${p.k}>${emit(p.item)}</${p.k}>`
  }
}

function attributePattern(a: AttrDef): string {
  const value = a.mode === 'fixed' ? `<value>${esc(a.fixed!)}</value>`
    : a.values !== undefined ? `<choice>${a.values.map((v) => `<value>${esc(v)}</value>`).join('')}</choice>`
    : '<text/>'
  const attribute = `<attribute name="${a.name}">${value}</attribute>`
  return a.mode === 'required' ? attribute : `<optional>${attribute}</optional>`
}

type Dtd = ReturnType<typeof readDtd>
const cxmlDtd = readDtd(readFileSync(DTD_PATH, 'utf8'))
let fulfillDtd: Dtd | undefined
/** The DTD a document's DOCTYPE names: Fulfill.dtd, or cXML.dtd. */
const dtdOf = (xml: string): Dtd => /<!DOCTYPE[^>]*Fulfill\.dtd/.test(xml) ? (fulfillDtd ??= readDtd(readFileSync(FULFILL_DTD_PATH, 'utf8'))) : cxmlDtd

/** Element names used in a document (comments, CDATA and the DOCTYPE removed first). */
function elementNamesIn(xml: string): Set<string> {
  const markup = xml.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>/g, '')
  return new Set([...markup.matchAll(/<([A-Za-z_][\w.:-]*)/g)].map((m) => m[1]!))
}

/** The DTD as a RELAX NG grammar for the elements `present` in one document, start element `cXML`. */
export function dtdToRelaxNg(present: Set<string>, dtd: Dtd = cxmlDtd): string {
  const declared = new Set([...present].filter((n) => dtd.elements.has(n)))
  const prefixes = new Set([...declared].filter((n) => n.includes(':')).map((n) => n.split(':')[0]!))
  const ns = [...prefixes].map((p) => ` xmlns:${p}="urn:x-dtd-prefix:${p}"`).join('')
  const defines = [...declared].map((name) => {
    const attrs = (dtd.attlists.get(name) ?? []).filter((a) => a.name !== 'xmlns' && !a.name.startsWith('xmlns:'))
    return `<define name="${defName(name)}"><element name="${name}">${attrs.map(attributePattern).join('')}${emit(contentPattern(dtd.elements.get(name)!, declared))}</element></define>`
  })
  const start = declared.has('cXML') ? '<ref name="e.cXML"/>' : '<notAllowed/>'
  return `<?xml version="1.0"?><grammar xmlns="http://relaxng.org/ns/structure/1.0"${ns}><start>${start}</start>${defines.join('')}</grammar>`
}

/** Validate a cXML document; `errors` are xmllint's messages. */
export async function validateCxml(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const dtd = dtdOf(xml)
  // The DOCTYPE names http://xml.cxml.org/...: drop it so nothing tries to fetch it (plus --nonet).
  const document = xml.replace(/<!DOCTYPE[^>]*>/, '')
  const result = await validateXML({
    xml: [{ fileName: 'document.xml', contents: document }],
    schema: [{ fileName: 'cXML-1.2.063.rng', contents: dtdToRelaxNg(elementNamesIn(document), dtd) }],
    extension: 'relaxng',
    modifyArguments: (args) => ['--nonet', ...args],
  })
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) }
}

/** Tap assertion: `xml` is valid against the cXML 1.2.063 DTD its DOCTYPE names (cXML.dtd or Fulfill.dtd). */
export async function assertValidCxml(t: Test, xml: string, message = 'document is valid against the cXML 1.2.063 DTD it names'): Promise<void> {
  const { valid, errors } = await validateCxml(xml)
  t.ok(valid, message, { errors, xml: valid ? undefined : xml })
}
