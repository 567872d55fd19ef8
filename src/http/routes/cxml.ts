import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { authenticateCxml } from '../../domain/customers/authenticate.ts'
import { receiveOrder } from '../../domain/orders/intake.ts'
import { setupSession } from '../../domain/sessions/setup.ts'
import { cxmlSetupInput } from '../../domain/sessions/setup-input.ts'
import { PunchgateError, isPunchgateError } from '../../errors/index.ts'
import type { Customer } from '../../persistence/entities/index.ts'
import { buildProfileResponse, buildSetupResponse, buildStatusResponse, newPayloadId } from '../../protocols/cxml/build.ts'
import type { OrderRequest } from '../../protocols/cxml/order-types.ts'
import { completeCxmlRequest, readCxmlHead, type CxmlHead } from '../../protocols/cxml/parse.ts'
import { redactSecrets } from '../../protocols/cxml/redact.ts'
import type { CxmlHeader, CxmlRequestDocument, PunchOutSetupRequest } from '../../protocols/cxml/types.ts'
import { acceptMultipartRelated, cxmlBody, refuseMultipartFor, type CxmlBody } from '../cxml-body.ts'
import { commitAnswer } from '../journal.ts'
import { bindLogContext } from '../logging.ts'
import type { RouteContext } from './index.ts'

/** One endpoint for every cXML request, dispatching on the element inside Request. */
export async function cxmlRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const { deps } = ctx
  acceptMultipartRelated(app)

  app.post(
    '/punchout/cxml',
    { config: { surface: 'cxml', journal: 'cxml' }, bodyLimit: deps.config.cxmlBodyLimit, schema: { hide: true } },
    async (request, reply) => {
      // Only text/xml and application/xml reach us as bytes; JSON or text/plain is not a cXML document.
      if (request.body !== undefined && !Buffer.isBuffer(request.body)) {
        throw new PunchgateError('PG_ERR_MEDIA_TYPE', `Send cXML as text/xml or application/xml, not ${request.headers['content-type'] ?? 'without a Content-Type'}.`)
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
      keepForJournal(request, raw, request.headers['content-type'])
      const body = splitOrMalformed(request, raw)
      // The Header first, then the credential, then the rest: an unknown sender cannot make the
      // gateway parse a large document (docs/cxml.md, "Hostile input").
      const head = parseOrMalformed(request, () => readCxmlHead(body.document, body.contentType))
      request.journal!.payloadId = head.payloadID
      bindLogContext(request, reply, { payloadID: head.payloadID })
      const customer = await authenticate(head.header)
      request.journal!.customerId = customer.id
      const doc = await completeOrMalformed(request, head, body)
      if (body.attachments && doc.request.kind !== 'OrderRequest') throw refuseMultipartFor(doc.request.kind === 'Other' ? doc.request.element : doc.request.kind)
      const answer = { payloadID: newPayloadId(new URL(deps.config.publicUrl).hostname), timestamp: deps.now() }
      request.journal!.protocolStatus = 200
      reply.type(CXML_TYPE)
      switch (doc.request.kind) {
        case 'PunchOutSetupRequest':
          return setup(request, reply, doc, doc.request, customer, answer)
        case 'ProfileRequest':
          return buildProfileResponse({ ...answer, effectiveDate: answer.timestamp, transactions: profileTransactions(deps.config.publicUrl) })
        case 'OrderRequest':
          return order(request, reply, doc, doc.request, customer, answer, body)
        default:
          throw new PunchgateError('PG_ERR_CXML_UNSUPPORTED', `${doc.request.element} is not supported by this gateway; it accepts PunchOutSetupRequest, OrderRequest and ProfileRequest.`)
      }
    },
  )

  /** A multipart body is journaled as its cXML part (docs/cxml.md, "Attachments"); attachments are kept with the order. */
  function splitOrMalformed(request: FastifyRequest, raw: Buffer): CxmlBody {
    try {
      const body = cxmlBody(request, raw)
      if (body.attachments) keepForJournal(request, body.document, body.contentType)
      return body
    } catch (err) {
      if (isPunchgateError(err)) request.journal!.outcome = 'malformed'
      throw err
    }
  }

  /** The journal masks the body once it knows how much of it it keeps (docs/operations.md, "Logs and the journal"). */
  function keepForJournal(request: FastifyRequest, bytes: Buffer, contentType: string | undefined): void {
    request.journal!.unmasked = { bytes, mask: (b) => redactSecrets(b, contentType) }
  }

  /**
   * The whole document, once its Header is authenticated: a large one is masked and parsed on a
   * worker thread (docs/cxml.md, "Large documents"), a small one was parsed with its Header.
   */
  async function completeOrMalformed(request: FastifyRequest, head: CxmlHead, body: CxmlBody): Promise<CxmlRequestDocument> {
    if (head.parsed || !ctx.parsePool.enabled) return parseOrMalformed(request, () => completeCxmlRequest(head, body.document, body.contentType))
    const parsed = await ctx.parsePool.parse(head, body.document, body.contentType)
    request.journal!.body = parsed.masked
    return parseOrMalformed(request, () => {
      if ('error' in parsed) throw parsed.error
      return parsed.document
    })
  }

  function parseOrMalformed<T>(request: FastifyRequest, parse: () => T): T {
    try {
      return parse()
    } catch (err) {
      if (isPunchgateError(err) && err.code !== 'PG_ERR_CXML_UNSUPPORTED') request.journal!.outcome = 'malformed'
      throw err
    }
  }

  function authenticate(header: CxmlHeader): Promise<Customer> {
    const sender = header.sender[0]
    return authenticateCxml(deps, header.from, {
      credentials: header.sender,
      ...(sender?.sharedSecret !== undefined ? { sharedSecret: sender.sharedSecret } : {}),
      usesUnsupportedAuthentication: sender?.usesUnsupportedAuthentication ?? false,
    })
  }

  async function setup(
    request: FastifyRequest,
    reply: FastifyReply,
    doc: CxmlRequestDocument,
    posr: PunchOutSetupRequest,
    customer: Customer,
    answer: { payloadID: string; timestamp: Date },
  ): Promise<string> {
    let body = ''
    const { sessionId } = await setupSession(deps, cxmlSetupInput(doc, posr, customer), (outcome) => {
      body = buildSetupResponse({ ...answer, startPageUrl: outcome.startUrl })
      return commitAnswer(deps.store, request, reply, { status: 200, contentType: CXML_TYPE, body }, outcome.plan, { sessionId: outcome.sessionId, customerId: customer.id })
    })
    bindLogContext(request, reply, { sessionId })
    return body
  }

  /** The order and the answer's journal row in one write; 200 only once both are stored. */
  async function order(
    request: FastifyRequest,
    reply: FastifyReply,
    doc: CxmlRequestDocument,
    orderRequest: OrderRequest,
    customer: Customer,
    answer: { payloadID: string; timestamp: Date },
    sent: CxmlBody,
  ): Promise<string> {
    const body = buildStatusResponse({ ...answer, code: 200, text: 'OK' })
    const { order: stored } = await receiveOrder(deps, {
      customer,
      payloadId: doc.envelope.payloadID,
      deploymentMode: doc.envelope.deploymentMode,
      request: orderRequest,
      ...(sent.attachments ? { attachments: sent.attachments } : {}),
    }, (outcome) => commitAnswer(deps.store, request, reply, { status: 200, contentType: CXML_TYPE, body }, outcome.plan, {
      customerId: customer.id,
      ...(outcome.order.sessionId ? { sessionId: outcome.order.sessionId } : {}),
    }))
    if (stored.sessionId) bindLogContext(request, reply, { sessionId: stored.sessionId })
    return body
  }
}

const CXML_TYPE = 'text/xml; charset=utf-8'

function profileTransactions(publicUrl: string) {
  return [
    { requestName: 'PunchOutSetupRequest', url: `${publicUrl}/punchout/cxml` },
    { requestName: 'OrderRequest', url: `${publicUrl}/punchout/cxml` },
    { requestName: 'ProfileRequest', url: `${publicUrl}/punchout/cxml` },
  ]
}
