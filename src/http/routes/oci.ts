import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { answerBackgroundCall, resolveOciProductId, type BackgroundLine } from '../../domain/carts/background.ts'
import { authenticateOci } from '../../domain/customers/authenticate.ts'
import { setupSession } from '../../domain/sessions/setup.ts'
import { ociSetupInput } from '../../domain/sessions/setup-input.ts'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { OCI_LARGE_CART_LINES } from '../../protocols/oci/cart.ts'
import { parseOciLogin, redactOciForm, type OciLogin } from '../../protocols/oci/index.ts'
import { commitAnswer } from '../journal.ts'
import { bindLogContext } from '../logging.ts'
import { sendTransferReply, transferReply, type TransferReply } from '../../web/transfer.ts'
import type { RouteContext } from './index.ts'

/** Login calls are a handful of fields; 256 KiB leaves room for long customer-defined values. */
export const OCI_BODY_LIMIT = 256 * 1024

/**
 * The OCI login (catalog start) call, `GET|POST /punchout/oci` (docs/oci.md, "The login call"). The buyer's
 * browser is the client, so every answer is for a browser: a 303 to the one-time start link (the
 * browser is already here: OCI has no StartPage document), the auto-submitting NEW_ITEM form to
 * HOOK_URL for the background FUNCTIONs, or an HTML error page with a reference (surface 'html').
 * USERNAME/PASSWORD authenticate the organization only; the person comes from the fields the
 * customer's identity profile names, and is provisioned exactly as for cXML.
 */
export async function ociRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { deps } = ctx

  app.route({
    method: ['GET', 'POST'],
    url: '/punchout/oci',
    config: { surface: 'html', journal: 'oci' },
    bodyLimit: OCI_BODY_LIMIT,
    // A HEAD (link checkers, previews) must not provision a user or mint a start link.
    exposeHeadRoute: false,
    schema: { hide: true },
    handler: async (request, reply) => {
      const rawQuery = queryString(request.url)
      const body = Buffer.isBuffer(request.body) ? request.body : undefined
      // First, so that even a call that fails to parse is journaled — without its PASSWORD.
      request.journal!.body = journalBody(rawQuery, body, request.body !== undefined && !body, request.headers['content-type'])
      const login = parseOrMalformed(request, rawQuery, body)
      const customer = await authenticateOci(deps, login.username, login.password)
      request.journal!.customerId = customer.id
      bindLogContext(request, reply, { customerId: customer.id, ...(login.function ? { ociFunction: login.function } : {}) })
      switch (login.function) {
        case undefined:
          return interactive(request, reply, login, customer, 'create')
        case 'DETAIL':
          return interactive(request, reply, login, customer, 'create', await resolveOciProductId(request.em, customer.id, login.productId!))
        case 'SOURCING':
          return interactive(request, reply, login, customer, 'source')
        case 'VALIDATE':
        case 'BACKGROUND_SEARCH':
          return background(request, reply, login, customer)
        case 'QUANTITY_CHECK':
          // The built-in catalog keeps no stock levels; SAP's own catalog extension (hybris OCI)
          // offers no QUANTITY_CHECK either. Refused after authentication, so it is attributed.
          throw new PunchgateError(
            'PG_ERR_OCI_FUNCTION_UNSUPPORTED',
            'This catalog keeps no stock levels, so it cannot answer FUNCTION=QUANTITY_CHECK. Open the catalog, or ask the supplier about availability.',
          )
      }
    },
  })

  function parseOrMalformed(request: FastifyRequest, rawQuery: string, body: Buffer | undefined): OciLogin {
    try {
      if (request.body !== undefined && !body) {
        throw new PunchgateError('PG_ERR_OCI_INVALID', 'The OCI call must be sent as a form (application/x-www-form-urlencoded) or as a URL query.')
      }
      // A GET's query is the whole call: decode it like a form body, so a query in ISO-8859-1
      // (non-Unicode SAP systems) reads as well as one in UTF-8.
      // A POST's query is read the same way, so that parser and journal masking read it alike.
      return request.method === 'GET'
        ? parseOciLogin({}, queryBytes(rawQuery))
        : parseOciLogin(queryBytes(rawQuery), body, request.headers['content-type'])
    } catch (err) {
      if (isPunchgateError(err) && err.code === 'PG_ERR_OCI_INVALID') request.journal!.outcome = 'malformed'
      throw err
    }
  }

  /** No FUNCTION, DETAIL and SOURCING: the buyer shops, as themselves, in the storefront. */
  async function interactive(
    request: FastifyRequest,
    reply: FastifyReply,
    login: OciLogin,
    customer: Customer,
    operation: 'create' | 'source',
    selectedSku?: string,
  ) {
    const { sessionId, startUrl } = await setupSession(deps, ociSetupInput(login, customer, operation, selectedSku), (outcome) =>
      // The 303's Location is the start link: the journal keeps status and session, not the link.
      commitAnswer(deps.store, request, reply, { status: 303, body: null }, outcome.plan, { sessionId: outcome.sessionId, customerId: customer.id }),
    )
    bindLogContext(request, reply, { sessionId })
    // The start link is a one-time credential: keep it out of caches and Referer headers.
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(startUrl, 303)
  }

  /**
   * VALIDATE and BACKGROUND_SEARCH: no UI; the NEW_ITEM fields go straight back to HOOK_URL.
   * The catalog is asked before anything is provisioned, so a call for an unknown product
   * changes nothing (it is journaled, with its customer).
   */
  async function background(request: FastifyRequest, reply: FastifyReply, login: OciLogin, customer: Customer) {
    // The storefront's catalog: the background FUNCTIONs answer what a shopper would have found.
    const catalog = deps.storefront.catalog(request.em)
    const quantity = login.quantity ?? 1
    // OCI QUANTITY carries at most 3 decimals (docs/oci.md, "Numbers"): refuse before provisioning anything.
    if (!(quantity > 0 && quantity <= 1e9) || Math.round(quantity * 1000) !== quantity * 1000) {
      throw new PunchgateError('PG_ERR_OCI_INVALID', `QUANTITY must be more than zero, at most 1000000000, with at most 3 decimals, not ${quantity}.`)
    }
    let lines: BackgroundLine[]
    let note: Record<string, unknown>
    let selectedSku: string | undefined
    if (login.function === 'VALIDATE') {
      const sku = await resolveOciProductId(request.em, customer.id, login.productId!)
      const item = await catalog.product(customer.id, sku)
      if (!item) {
        throw new PunchgateError('PG_ERR_OCI_INVALID', `The product ${JSON.stringify(login.productId!.slice(0, 100))} (PRODUCTID) is not in this catalog, so it cannot be validated. It may have been discontinued; search the catalog for a replacement.`)
      }
      selectedSku = sku
      lines = [{ item, quantity }]
      note = { productId: login.productId, sku, quantity, unitPrice: item.unitPrice, currency: item.currency, contractPrice: item.contract }
    } else {
      // Hook receivers drop the tail of large OCI carts (docs/oci.md, "Buyer-system quirks"): the first hits only.
      const hits = await catalog.search(customer.id, login.searchString!, OCI_LARGE_CART_LINES + 1)
      lines = hits.slice(0, OCI_LARGE_CART_LINES).map((item) => ({ item, quantity }))
      note = { searchString: login.searchString, hits: lines.map((l) => l.item.sku), truncated: hits.length > OCI_LARGE_CART_LINES }
    }
    let answer: TransferReply | undefined
    const call = { function: login.function as 'VALIDATE' | 'BACKGROUND_SEARCH', note }
    const { sessionId } = await answerBackgroundCall(deps, ociSetupInput(login, customer, 'create', selectedSku), call, lines, (decided) => {
      answer = transferReply(request, decided.transfer)
      return commitAnswer(deps.store, request, reply, answer, decided.plan, { sessionId: decided.sessionId, customerId: customer.id })
    })
    bindLogContext(request, reply, { sessionId })
    return sendTransferReply(reply, answer!)
  }
}

/** The query string exactly as sent (still percent-encoded), without the leading `?`. */
function queryString(url: string): string {
  const at = url.indexOf('?')
  return at === -1 ? '' : url.slice(at + 1)
}

/** The query string's bytes: as Node received them, unless the string holds characters beyond latin1. */
const queryBytes = (rawQuery: string): Buffer => Buffer.from(rawQuery, /[^\u0000-\u00ff]/.test(rawQuery) ? 'utf8' : 'latin1')

/**
 * The journal keeps the call as received with PASSWORD replaced: the query string, then (for a
 * POST) a line break and the form body, each masked as the parser reads it (redactOciForm); a
 * body that is not a form is not kept at all (it could hold the password in a shape the
 * redaction does not know).
 */
function journalBody(rawQuery: string, body: Buffer | undefined, foreignBody: boolean, contentType: string | undefined): Buffer {
  const parts: Buffer[] = []
  if (rawQuery) parts.push(redactOciForm(queryBytes(rawQuery)))
  if (body && body.length > 0) parts.push(redactOciForm(body, contentType))
  else if (foreignBody) parts.push(Buffer.from('[body not form-encoded: not kept]', 'utf8'))
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from('\n'), p])))
}
