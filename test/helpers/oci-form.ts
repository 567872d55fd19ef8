/**
 * Reads an OCI cart back out of an HTML page: every `<input name=.. value=..>` in document
 * order, and the NEW_ITEM fields grouped per line. A small tokenizer, enough for our own output
 * and the real-world capture in fixtures/oci (raw HTTP headers in front, multi-line values,
 * numeric character references). Not a general HTML parser.
 */

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' }

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10)
      return String.fromCodePoint(cp)
    }
    return NAMED[ref.toLowerCase()] ?? m
  })
}

function attributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>()
  const re = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g
  for (const m of tag.matchAll(re)) {
    const name = m[1]!.toLowerCase()
    if (!attrs.has(name)) attrs.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''))
  }
  return attrs
}

/** All named inputs in document order (name and value entity-decoded). */
export function formInputs(html: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const m of html.matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = attributes(m[1]!)
    const name = attrs.get('name')
    if (name !== undefined) out.push([name, attrs.get('value') ?? ''])
  }
  return out
}

/** The `<form>` start tags' attributes. */
export function forms(html: string): Array<Map<string, string>> {
  return [...html.matchAll(/<form\b([^>]*)>/gi)].map((m) => attributes(m[1]!))
}

/**
 * NEW_ITEM fields grouped by line number: `NEW_ITEM-PRICE[3]` → line 3, `PRICE`;
 * `NEW_ITEM-LONGTEXT_3:132[]` → line 3, `LONGTEXT`. Lines are returned in index order.
 */
export function ociItems(html: string): Array<{ index: number; fields: Record<string, string> }> {
  const byIndex = new Map<number, Record<string, string>>()
  for (const [name, value] of formInputs(html)) {
    const item = /^NEW_ITEM-([A-Z0-9_]+)\[(\d+)\]$/i.exec(name)
    const long = /^NEW_ITEM-LONGTEXT_(\d+):132\[\]$/i.exec(name)
    const [field, index] = item ? [item[1]!.toUpperCase(), Number(item[2])] : long ? ['LONGTEXT', Number(long[1])] : []
    if (field === undefined || index === undefined) continue
    const fields = byIndex.get(index) ?? {}
    fields[field] = field === 'LONGTEXT' && fields[field] !== undefined ? `${fields[field]}${value}` : value
    byIndex.set(index, fields)
  }
  return [...byIndex].sort(([a], [b]) => a - b).map(([index, fields]) => ({ index, fields }))
}
