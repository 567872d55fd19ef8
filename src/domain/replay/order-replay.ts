import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import type { OrderDifference } from '../../persistence/entities/index.ts'
import type { OrderContext, OrderLookup, PunchoutStore } from '../../persistence/punchout-store.ts'
import { knexSql } from '../../persistence/sql.ts'
import { parseCxmlRequest } from '../../protocols/cxml/parse.ts'
import { actorMaySee, type Actor } from '../audit/audit.ts'
import { authenticateCxml } from '../customers/authenticate.ts'
import type { Deps } from '../deps.ts'
import { decideOrder } from '../orders/intake.ts'
import type { PriceCheck } from '../pricing/check.ts'
import { RedactedSecret } from './recorded.ts'

/** What an OrderRequest led to, then or now. */
export interface OrderVerdict {
  outcome: 'accepted' | 'refused'
  code?: string
  text?: string
  /** e.g. "2 lines checked: 1 ok, 1 mismatch, 0 unknown (policy record)". */
  prices?: string
  /** The session the order links to, and how the order differs from that session's cart. */
  links?: string
}

export interface OrderDryRun {
  mode: 'dry-run'
  requestId: string
  payloadId: string | null
  secretChecked: false
  note: string
  then: OrderVerdict
  now: OrderVerdict
  steps: Array<{ step: 'prices' | 'links' | 'outcome'; then: string; now: string; changed: boolean }>
}

interface JournalOrderRow {
  id: string
  channel: string
  customer_id: string | null
  payload_id: string | null
  content_type: string | null
  request_body: Uint8Array | null
  payload_purged_at: Date | null
  outcome: string
  error_code: string | null
  order_status: string | null
  price_check: PriceCheck | null
  differences: OrderDifference[] | null
  session_id: string | null
}

/**
 * An OrderRequest of the journal judged again by today's price and link checks (docs/api.md,
 * "Replay"): `decideOrder` itself, reading the stored orders as if this document had not been
 * received, writing nothing. Set beside what happened then.
 */
export async function dryRunOrder(deps: Deps, em: SqlEntityManager, actor: Actor, requestId: string): Promise<OrderDryRun> {
  const row = await journalOrder(em, actor, requestId)
  const then = thenVerdict(row)
  let now: OrderVerdict
  try {
    const doc = parseCxmlRequest(Buffer.from(row.request_body!), row.content_type ?? undefined)
    if (doc.request.kind !== 'OrderRequest') throw new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', 'The journal entry is not an OrderRequest.')
    const unchecked: Deps = { ...deps, hasher: new RedactedSecret(), store: forgetting(deps.store, row.id) }
    const customer = await authenticateCxml(unchecked, doc.envelope.header.from, { credentials: doc.envelope.header.sender, sharedSecret: '', usesUnsupportedAuthentication: false })
    const outcome = await decideOrder(unchecked, { customer, payloadId: doc.envelope.payloadID, deploymentMode: doc.envelope.deploymentMode, request: doc.request })
    now = { outcome: 'accepted', prices: pricesText(outcome.order.priceCheck as PriceCheck | null), links: linksText(outcome.order.sessionId ?? null, outcome.order.differences) }
  } catch (err) {
    if (!isPunchgateError(err) || err.code === 'PG_ERR_REPLAY_UNAVAILABLE') throw err
    now = { outcome: 'refused', code: err.code, text: err.message }
  }
  const step = (name: 'prices' | 'links' | 'outcome', a: string, b: string, changed = a !== b) => ({ step: name, then: a, now: b, changed })
  return {
    mode: 'dry-run',
    requestId: row.id,
    payloadId: row.payload_id,
    secretChecked: false,
    note: 'The shared secret is not checked again: the journal keeps it redacted. The credential must still exist and be active. Nothing was written.',
    then,
    now,
    steps: [
      step('prices', then.prices ?? 'not checked', now.prices ?? 'not checked'),
      step('links', then.links ?? 'not checked', now.links ?? 'not checked'),
      step('outcome', outcomeText(then), outcomeText(now), then.outcome !== now.outcome || then.code !== now.code),
    ],
  }
}

async function journalOrder(em: SqlEntityManager, actor: Actor, requestId: string): Promise<JournalOrderRow> {
  const notFound = new PunchgateError('PG_ERR_NOT_FOUND', `No journal entry ${requestId}.`)
  if (!/^\d{1,18}$/.test(requestId)) throw notFound
  const [row] = await knexSql(em.getKnex()).rows<JournalOrderRow>(
    `select j.id::text as id, j.channel, j.customer_id, j.payload_id, j.content_type, j.request_body, j.payload_purged_at, j.outcome, j.error_code,
            o.status as order_status, o.price_check, o.differences, o.session_id
       from journal_entries j left join orders o on o.journal_entry_id = j.id where j.id = ?::bigint`,
    [requestId],
  )
  if (!row || row.customer_id === null || !actorMaySee(actor, row.customer_id)) throw notFound
  if (row.channel !== 'cxml') throw new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', 'Only a cXML OrderRequest of the journal can be replayed as an order.')
  if (row.request_body === null || row.payload_purged_at !== null) {
    throw new PunchgateError('PG_ERR_REPLAY_UNAVAILABLE', "The OrderRequest's document was purged (the customer's retention period passed), so it cannot be replayed.")
  }
  return row
}

/** The store as it would be had this document never arrived: its own order is left out. */
function forgetting(store: PunchoutStore, journalEntryId: string): PunchoutStore {
  const view: PunchoutStore = Object.create(store)
  view.orderContext = async (lookup: OrderLookup): Promise<OrderContext> => {
    const ctx = await store.orderContext(lookup)
    const own = (o: { journalEntryId?: string | null }) => String(o.journalEntryId) === journalEntryId
    const { samePayload, ...rest } = ctx
    return { ...rest, ...(samePayload && !own(samePayload) ? { samePayload } : {}), sameOrderId: ctx.sameOrderId.filter((o) => !own(o)) }
  }
  view.commit = async () => {
    throw new Error('a dry run writes nothing')
  }
  return view
}

function thenVerdict(row: JournalOrderRow): OrderVerdict {
  if (row.outcome !== 'ok') return { outcome: 'refused', ...(row.error_code ? { code: row.error_code } : {}) }
  if (row.order_status === null) return { outcome: 'accepted', text: 'answered as a repeat of a document received before' }
  return { outcome: 'accepted', prices: pricesText(row.price_check), links: linksText(row.session_id, row.differences ?? []) }
}

function pricesText(check: PriceCheck | null): string {
  if (!check) return 'not checked (a cancellation)'
  const ok = check.lines.length - check.mismatches - check.unknown
  return `${check.lines.length} priced line(s) against the prices of ${check.day}: ${ok} ok, ${check.mismatches} mismatch, ${check.unknown} unknown (policy ${check.policy}, tolerance ${check.tolerancePercent} %)`
}

function linksText(sessionId: string | null, differences: readonly OrderDifference[]): string {
  const kinds = differences.map((d) => `${d.kind}${d.sku ? ` ${d.sku}` : ''}`)
  const linked = sessionId ? `linked to session ${sessionId}` : 'linked to no session'
  return kinds.length ? `${linked}; differs from the cart: ${kinds.join(', ')}` : `${linked}; no difference from the cart`
}

const outcomeText = (v: OrderVerdict) => (v.outcome === 'accepted' ? 'accepted' : `refused${v.code ? ` ${v.code}` : ''}${v.text ? `: ${v.text}` : ''}`)
