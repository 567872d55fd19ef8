import { PunchgateError } from '../../errors/index.ts'
import { decodeXmlBody } from './decode.ts'
import { attr, parseCxmlRoot, requiredOne } from './xml-tree.ts'

/** The `Response/Status` a buyer system answers an outbound request with (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"). */
export interface CxmlStatus {
  code: number
  text: string
}

/** Reads the Status of a cXML Response (screened like every inbound document); refuses anything else. */
export function readStatusResponse(body: Buffer, contentType?: string): CxmlStatus {
  const root = parseCxmlRoot(decodeXmlBody(body, contentType))
  const status = requiredOne(requiredOne(root, 'Response', 'cXML'), 'Status', 'cXML/Response')
  const code = Number(attr(status, 'code'))
  if (!Number.isInteger(code)) throw new PunchgateError('PG_ERR_CXML_INVALID', 'cXML/Response/Status has no numeric code.')
  return { code, text: attr(status, 'text') ?? '' }
}
