/**
 * The error registry. Every refusal Punchgate can give has one entry here: a stable code
 * (the contract — tests and docs use it, not the message), the HTTP status for JSON and
 * browser surfaces, the cXML Status code for cXML surfaces, and whether the message may be
 * shown to the caller. Mapping to the wire happens in one place (src/http/error-mapper.ts).
 */
export const ERRORS = {
  PG_ERR_CXML_MALFORMED: { http: 400, cxml: 400, expose: true, summary: 'The body is not a well-formed cXML document.' },
  PG_ERR_CXML_ENTITY: { http: 400, cxml: 400, expose: true, summary: 'The document declares entities; cXML needs none and they are refused.' },
  PG_ERR_CXML_INVALID: { http: 400, cxml: 400, expose: true, summary: 'The document is well-formed but misses or repeats a required element.' },
  PG_ERR_CXML_ENCODING: { http: 400, cxml: 400, expose: true, summary: 'The body is not valid in the character encoding it declares.' },
  PG_ERR_CXML_UNSUPPORTED: { http: 406, cxml: 406, expose: true, summary: 'The request type or operation is not supported.' },
  PG_ERR_AUTH_BAD_SECRET: { http: 401, cxml: 401, expose: true, summary: 'The credential is not accepted: unknown identity, or wrong SharedSecret or password (one answer for both).' },
  PG_ERR_AUTH_UNKNOWN_CREDENTIAL: { http: 401, cxml: 401, expose: true, summary: 'No longer answered (an unknown identity gets PG_ERR_AUTH_BAD_SECRET); kept for journal rows of earlier releases.' },
  PG_ERR_RETURN_URL_REFUSED: { http: 403, cxml: 403, expose: true, summary: 'The return URL (BrowserFormPost / HOOK_URL) is not on the customer allow-list.' },
  PG_ERR_IDENTITY_MISSING: { http: 400, cxml: 400, expose: true, summary: 'The request does not identify the buyer as the identity profile requires.' },
  PG_ERR_IDENTITY_INVALID: { http: 400, cxml: 400, expose: true, summary: 'The buyer identity in the request cannot be accepted (reserved name, too many roles).' },
  PG_ERR_USER_UNKNOWN: { http: 403, cxml: 403, expose: true, summary: 'The buyer is unknown and the customer does not create users on the fly.' },
  PG_ERR_USER_DISABLED: { http: 403, cxml: 403, expose: true, summary: 'The buyer user is disabled.' },
  PG_ERR_ROLE_REJECTED: { http: 403, cxml: 403, expose: true, summary: 'The buyer has a role the customer policy rejects.' },
  PG_ERR_START_TOKEN_UNKNOWN: { http: 404, cxml: 404, expose: true, summary: 'The start link is not valid.' },
  PG_ERR_START_TOKEN_USED: { http: 410, cxml: 410, expose: true, summary: 'The start link was already used.' },
  PG_ERR_START_TOKEN_EXPIRED: { http: 410, cxml: 410, expose: true, summary: 'The start link has expired.' },
  PG_ERR_SESSION_NOT_FOUND: { http: 404, cxml: 404, expose: true, summary: 'No such punchout session.' },
  PG_ERR_SESSION_STATE: { http: 409, cxml: 409, expose: true, summary: 'The punchout session is not in a state that allows this.' },
  PG_ERR_REPLAY_UNAVAILABLE: { http: 409, cxml: 409, expose: true, summary: 'The session cannot be replayed: its setup request was not kept (purged, or never a setup), or the replay asked for is not possible for it.' },
  PG_ERR_RESEND_UNAVAILABLE: { http: 409, cxml: 409, expose: true, summary: 'The session has no returned cart whose document is still kept, so there is nothing to re-send.' },
  PG_ERR_RESEND_LINK_INVALID: { http: 404, cxml: 404, expose: true, summary: 'The cart re-send link is not valid.' },
  PG_ERR_RESEND_LINK_USED: { http: 410, cxml: 410, expose: true, summary: 'The cart re-send link was already used.' },
  PG_ERR_RESEND_LINK_EXPIRED: { http: 410, cxml: 410, expose: true, summary: 'The cart re-send link has expired.' },
  PG_ERR_CART_INVALID: { http: 400, cxml: 400, expose: true, summary: 'The returned cart is invalid.' },
  PG_ERR_CART_CHECK_FAILED: { http: 422, cxml: 400, expose: true, summary: 'The customer blocks carts its buyer system would refuse (cartChecks policy block) and this cart has such lines; nothing was sent.' },
  PG_ERR_ASSERTION_INVALID: { http: 401, cxml: 401, expose: true, summary: 'The identity assertion is invalid, expired or already used.' },
  PG_ERR_SHOP_SESSION_LOST: { http: 401, cxml: 401, expose: true, summary: 'The storefront page was opened without the browser it was signed in from (a copied or expired link).' },
  PG_ERR_SHOP_SESSION_NOT_KEPT: { http: 200, cxml: 200, expose: true, summary: 'The browser keeps no storefront cookie where it shows the storefront; the buyer was offered a window of its own.' },
  PG_ERR_OCI_INVALID: { http: 400, cxml: 400, expose: true, summary: 'The OCI call is missing a required field or has an invalid value.' },
  PG_ERR_OCI_FUNCTION_UNSUPPORTED: { http: 406, cxml: 406, expose: true, summary: 'The OCI FUNCTION is not supported by this catalog.' },
  PG_ERR_API_UNAUTHORIZED: { http: 401, cxml: 401, expose: true, summary: 'A valid API bearer token is required.' },
  PG_ERR_API_FORBIDDEN: { http: 403, cxml: 403, expose: true, summary: 'The API token does not allow this.' },
  PG_ERR_API_VALIDATION: { http: 400, cxml: 400, expose: true, summary: 'The request body or parameters are invalid.' },
  PG_ERR_NOT_FOUND: { http: 404, cxml: 404, expose: true, summary: 'Not found.' },
  PG_ERR_ORDER_CONFLICT: { http: 409, cxml: 409, expose: true, summary: 'The OrderRequest reuses a payloadID for another order, reuses an orderID already received under another payloadID without type="update" or "delete", or changes a cancelled order.' },
  PG_ERR_ORDER_UNKNOWN: { http: 404, cxml: 404, expose: true, summary: 'The OrderRequest updates or deletes an orderID this supplier never received.' },
  PG_ERR_ON_BEHALF_OFF: { http: 403, cxml: 403, expose: true, summary: 'The customer does not allow agents to act on behalf of its buyers.' },
  PG_ERR_ON_BEHALF_EXPIRED: { http: 410, cxml: 410, expose: true, summary: "The time box of the agent's on-behalf session has ended." },
  PG_ERR_SPEND_LIMIT: { http: 403, cxml: 403, expose: true, summary: "The cart's total is above the buyer's spend limit, and the buyer may not go over it." },
  PG_ERR_ORDER_PRICE_MISMATCH: { http: 400, cxml: 400, expose: true, summary: 'The customer refuses orders with prices beyond tolerance (pricePolicy refuse) and this OrderRequest has such lines.' },
  PG_ERR_MULTIPART_INVALID: { http: 400, cxml: 400, expose: true, summary: 'The multipart/related body cannot be split into its parts (boundary, headers, transfer encoding, root part).' },
  PG_ERR_ATTACHMENT_MISSING: { http: 400, cxml: 400, expose: true, summary: 'The OrderRequest references an attachment (cid:) that no part of the multipart/related body carries.' },
  PG_ERR_CONFLICT: { http: 409, cxml: 409, expose: true, summary: 'The change conflicts with existing data.' },
  PG_ERR_VALUE_UNSTORABLE: { http: 400, cxml: 400, expose: true, summary: 'A value in the request cannot be stored: a NUL or invalid character, a text too long or a number out of range.' },
  PG_ERR_MEDIA_TYPE: { http: 415, cxml: 415, expose: true, summary: 'The body has a Content-Type this endpoint does not accept.' },
  PG_ERR_BODY_TOO_LARGE: { http: 413, cxml: 413, expose: true, summary: 'The body is larger than this endpoint accepts.' },
  PG_ERR_BAD_HTTP_REQUEST: { http: 400, cxml: 400, expose: true, summary: 'The bytes received are not a valid HTTP/1.1 request (its request line, a header, or bytes after a body its Content-Length ended); the connection is closed.' },
  PG_ERR_HEADERS_TOO_LARGE: { http: 431, cxml: 431, expose: true, summary: 'The request line and headers together are larger than the gateway accepts; the connection is closed.' },
  PG_ERR_REQUEST_TIMEOUT: { http: 408, cxml: 408, expose: true, summary: "The request (headers and body) did not all arrive within the gateway's request timeout; the connection is closed." },
  PG_ERR_RATE_LIMITED: { http: 429, cxml: 429, expose: true, summary: 'Too many requests from this credential or address in the current window; retry after the time Retry-After names.' },
  PG_ERR_SIGN_IN_UNAVAILABLE: { http: 503, cxml: 503, expose: true, summary: 'The console sign-in is refused while Redis, which counts failed sign-ins for all replicas, cannot be reached; retry later.' },
  PG_ERR_UNAVAILABLE: { http: 503, cxml: 503, expose: false, summary: 'A dependency (the database) is unavailable; retry later.' },
  PG_ERR_INTERNAL: { http: 500, cxml: 500, expose: false, summary: 'An unexpected error; the reference lets support find it.' },
} as const

export type ErrorCode = keyof typeof ERRORS

/** A refusal with a stable code. `message` is written for the person who must act on it. */
export class PunchgateError extends Error {
  readonly code: ErrorCode
  readonly details?: Record<string, unknown>

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERRORS[code].summary, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'PunchgateError'
    this.code = code
    this.details = options?.details
  }

  get httpStatus(): number {
    return ERRORS[this.code].http
  }

  get cxmlStatus(): number {
    return ERRORS[this.code].cxml
  }

  /** The text a caller may see: the message for exposed errors, the generic summary otherwise. */
  get publicMessage(): string {
    return ERRORS[this.code].expose ? this.message : ERRORS[this.code].summary
  }
}

export const isPunchgateError = (e: unknown): e is PunchgateError => e instanceof PunchgateError
