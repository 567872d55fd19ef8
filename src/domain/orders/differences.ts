import type { Cart, OrderDifference, OrderLine } from '../../persistence/entities/index.ts'
import type { CartLine } from '../../protocols/cxml/types.ts'

/**
 * The session a line of an order names: the gateway writes `<sessionId>/<line>` into every
 * returned cart line's SupplierPartAuxiliaryID (cXML) and EXT_PRODUCT_ID (OCI), and buyer
 * systems send it back on the purchase order (src/domain/carts/return-cart.ts).
 */
export function sessionOfAuxiliaryId(auxiliaryId: string | null | undefined): string | undefined {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/\d+$/i.exec(auxiliaryId?.trim() ?? '')
  return match?.[1]?.toLowerCase()
}

/** The session most of the order's lines name (the first named, on a tie). */
export function linkedSessionId(lines: ReadonlyArray<Pick<OrderLine, 'auxiliaryId'>>): string | undefined {
  const counts = new Map<string, number>()
  for (const line of lines) {
    const id = sessionOfAuxiliaryId(line.auxiliaryId)
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  let best: string | undefined
  for (const [id, n] of counts) if (best === undefined || n > counts.get(best)!) best = id
  return best
}

const same = (a: string | number, b: string | number): boolean => Number(a) === Number(b)

/**
 * How the order's lines differ from the returned cart's: matched by auxiliary id; a changed
 * quantity, price or currency, a line the cart did not have (added) or one the order dropped
 * (removed). Decimal text is compared by value, so "8.1" and "8.1000" agree.
 */
export function cartDifferences(cart: Cart, lines: readonly OrderLine[]): OrderDifference[] {
  const cartLines = cart.lines as CartLine[]
  const byAux = new Map(cartLines.map((l) => [l.auxiliaryId, l]))
  const seen = new Set<string>()
  const out: OrderDifference[] = []
  for (const line of lines) {
    const aux = line.auxiliaryId?.trim()
    const returned = aux === undefined ? undefined : byAux.get(aux)
    if (!returned) {
      out.push({ kind: 'added', sku: line.sku, ...(aux ? { auxiliaryId: aux } : {}), order: line.quantity })
      continue
    }
    seen.add(returned.auxiliaryId)
    const at = { auxiliaryId: returned.auxiliaryId, sku: line.sku }
    if (!same(returned.quantity, line.quantity)) out.push({ kind: 'quantity', ...at, cart: String(returned.quantity), order: line.quantity })
    if (line.unitPrice != null && !same(returned.unitPrice, line.unitPrice)) out.push({ kind: 'price', ...at, cart: String(returned.unitPrice), order: line.unitPrice })
    if (line.currency != null && returned.currency !== line.currency) out.push({ kind: 'currency', ...at, cart: returned.currency, order: line.currency })
  }
  for (const l of cartLines) if (!seen.has(l.auxiliaryId)) out.push({ kind: 'removed', auxiliaryId: l.auxiliaryId, sku: l.sku, cart: String(l.quantity) })
  return out
}
