import { escapeHtml, html, raw, type RawHtml } from '../web/html.ts'

/**
 * Payloads as support reads them: XML indented, JSON formatted, form fields as a table, each
 * highlighted on the server with spans whose text is escaped like any other text. Payloads are
 * whatever a buyer system sent, so nothing here trusts them: a document that does not tokenize
 * is shown exactly as received.
 */

/** Beyond this, a payload is shown as received, cut, and not reformatted. */
const MAX_FORMATTED = 256 * 1024

export type PayloadKind = 'xml' | 'json' | 'form' | 'html' | 'text'

export function payloadKind(contentType: string | null | undefined, text: string): PayloadKind {
  const type = (contentType ?? '').toLowerCase()
  if (type.includes('json')) return 'json'
  if (type.includes('x-www-form-urlencoded')) return 'form'
  if (type.includes('html')) return 'html'
  if (type.includes('xml') || /^\s*<(\?xml|!DOCTYPE cXML|cXML)/.test(text)) return 'xml'
  return 'text'
}

/** The body's text in the charset its Content-Type declares (OCI receivers still use Latin-1). */
export function payloadText(body: Buffer | string, contentType: string | null | undefined): string {
  if (typeof body === 'string') return body
  const charset = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase()
  return body.toString(charset === 'iso-8859-1' || charset === 'latin1' || charset === 'windows-1252' ? 'latin1' : 'utf8')
}

/** A payload, pretty-printed and highlighted, with the exact text one click away. */
export function renderPayload(body: Buffer | string | null | undefined, contentType: string | null | undefined): RawHtml {
  if (body === null || body === undefined || body.length === 0) return html`<p class="muted">No body.</p>`
  const text = payloadText(body, contentType)
  if (text.length > MAX_FORMATTED) {
    return html`<p class="muted">${text.length} characters; the first ${MAX_FORMATTED} as received:</p><pre class="payload">${text.slice(0, MAX_FORMATTED)}</pre>`
  }
  const formatted = formatPayload(payloadKind(contentType, text), text, contentType)
  if (!formatted) return html`<pre class="payload">${text}</pre>`
  return html`${formatted}<details><summary>As received</summary><pre class="payload">${text}</pre></details>`
}

function formatPayload(kind: PayloadKind, text: string, contentType: string | null | undefined): RawHtml | undefined {
  switch (kind) {
    case 'xml': {
      const tokens = xmlTokens(text)
      return tokens && html`<pre class="payload">${raw(indentXml(tokens))}</pre>`
    }
    case 'html': {
      const tokens = xmlTokens(text)
      return tokens && html`<pre class="payload">${raw(tokens.map(highlightToken).join(''))}</pre>`
    }
    case 'json':
      return formatJson(text)
    case 'form':
      return formTable(text, contentType)
    default:
      return undefined
  }
}

type XmlToken = { kind: 'tag' | 'close' | 'empty' | 'comment' | 'decl' | 'text'; text: string }

const XML_TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^>[]|\[[\s\S]*?\])*>|<\/[^<>]+>|<[A-Za-z_](?:[^<>"']|"[^"]*"|'[^']*')*>|[^<]+/gy

/** The document as tokens; undefined when something in it is not XML-shaped (shown as received). */
function xmlTokens(text: string): XmlToken[] | undefined {
  const tokens: XmlToken[] = []
  XML_TOKEN.lastIndex = 0
  while (XML_TOKEN.lastIndex < text.length) {
    const m = XML_TOKEN.exec(text)
    if (!m) return undefined
    const t = m[0]
    if (t.startsWith('<!--')) tokens.push({ kind: 'comment', text: t })
    else if (t.startsWith('<![CDATA[')) tokens.push({ kind: 'text', text: t })
    else if (t.startsWith('<?') || t.startsWith('<!')) tokens.push({ kind: 'decl', text: t })
    else if (t.startsWith('</')) tokens.push({ kind: 'close', text: t })
    else if (t.startsWith('<')) tokens.push({ kind: t.endsWith('/>') ? 'empty' : 'tag', text: t })
    else tokens.push({ kind: 'text', text: t })
  }
  return tokens
}

/** One element per line, children indented; an element holding only text stays on one line. */
function indentXml(tokens: XmlToken[]): string {
  const lines: string[] = []
  let depth = 0
  const pad = () => '  '.repeat(Math.max(0, depth))
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    if (t.kind === 'text' && !t.text.trim()) continue
    if (t.kind === 'tag') {
      const next = tokens[i + 1]
      const after = tokens[i + 2]
      if (next?.kind === 'text' && after?.kind === 'close') {
        lines.push(pad() + highlightToken(t) + highlightToken({ kind: 'text', text: next.text.trim() }) + highlightToken(after))
        i += 2
        continue
      }
      if (next?.kind === 'close') {
        lines.push(pad() + highlightToken(t) + highlightToken(next))
        i += 1
        continue
      }
      lines.push(pad() + highlightToken(t))
      depth++
    } else if (t.kind === 'close') {
      depth--
      lines.push(pad() + highlightToken(t))
    } else {
      lines.push(pad() + highlightToken(t.kind === 'text' ? { kind: 'text', text: t.text.trim() } : t))
    }
  }
  return lines.join('\n')
}

const span = (cls: string, text: string) => `<span class="${cls}">${escapeHtml(text)}</span>`

const ATTRIBUTE = /(\s+)([^\s=/>]+)(?:(\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+))?/g

function highlightToken(t: XmlToken): string {
  switch (t.kind) {
    case 'text':
      return escapeHtml(t.text)
    case 'comment':
    case 'decl':
      return span('x-com', t.text)
    case 'close':
      return span('x-tag', t.text)
    default: {
      const m = /^<([^\s/>]+)([\s\S]*?)(\/?>)$/.exec(t.text)
      if (!m) return escapeHtml(t.text)
      // The placeholders below are control characters a tag never needs: dropped from the view.
      const attrs = m[2]!.replace(/[\u0001\u0002]/g, '').replace(ATTRIBUTE, (_all, space: string, name: string, eq?: string, value?: string) =>
        // Placeholders keep the spans out of reach of the escaping below; rebuilt after it.
        `${space}\u0001a${name}\u0002${eq === undefined ? '' : `${eq}\u0001v${value}\u0002`}`)
      const body = escapeHtml(attrs).replace(/\u0001([av])([^\u0002]*)\u0002/g, (_all, kind: string, v: string) =>
        `<span class="${kind === 'a' ? 'x-attr' : 'x-val'}">${v}</span>`)
      return `${span('x-tag', `<${m[1]}`)}${body}${span('x-tag', m[3]!)}`
    }
  }
}

const JSON_TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(?:true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[\s\S]/g

function formatJson(text: string): RawHtml | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const pretty = JSON.stringify(value, null, 2)
  const out = pretty.replace(JSON_TOKEN, (t: string, str?: string, colon?: string) => {
    if (str !== undefined) return colon ? span('x-key', str) + escapeHtml(colon) : span('x-str', str)
    if (t === 'true' || t === 'false' || t === 'null') return span('x-lit', t)
    if (/^-?\d/.test(t)) return span('x-num', t)
    return escapeHtml(t)
  })
  return html`<pre class="payload">${raw(out)}</pre>`
}

/** OCI fields (a login, a NEW_ITEM cart) one per row, in the order sent. */
function formTable(text: string, contentType: string | null | undefined): RawHtml | undefined {
  const pairs = text.split('&').filter(Boolean).map((pair) => {
    const eq = pair.indexOf('=')
    return eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
  })
  if (pairs.length === 0) return undefined
  const fields = decodeForm(pairs, /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1])
  return html`<div class="scroll"><table class="fields"><thead><tr><th>Field</th><th>Value</th></tr></thead><tbody>
${fields.map(([name, value]) => html`<tr><td><code class="x-key">${name}</code></td><td><code>${value}</code></td></tr>`)}</tbody></table></div>`
}

/**
 * Percent-escapes stand for bytes in the form's charset: the declared one, else UTF-8, else
 * windows-1252 (what a non-Unicode SAP system sends undeclared; docs/oci.md).
 */
function decodeForm(pairs: string[][], charset: string | undefined): string[][] {
  const decodeWith = (decoder: TextDecoder) => pairs.map((pair) => pair.map((part) => decoder.decode(percentBytes(part))))
  if (charset) {
    try {
      return decodeWith(new TextDecoder(charset))
    } catch {
      // An unknown label: read it as if none were declared.
    }
  }
  try {
    return decodeWith(new TextDecoder('utf-8', { fatal: true }))
  } catch {
    return decodeWith(new TextDecoder('windows-1252'))
  }
}

function percentBytes(part: string): Uint8Array {
  const segments = part.replace(/\+/g, ' ').split(/(%[0-9a-f]{2})/i)
  return Buffer.concat(segments.map((seg) => (/^%[0-9a-f]{2}$/i.test(seg) ? Buffer.from([parseInt(seg.slice(1), 16)]) : Buffer.from(seg, 'utf8'))))
}
