import type { Customer, SessionProtocolContext } from '../../persistence/entities/index.ts'
import { identitySourceFromSetup } from '../../protocols/cxml/parse.ts'
import type { CxmlRequestDocument, PunchOutSetupRequest } from '../../protocols/cxml/types.ts'
import { identitySourceFromOci, type OciLogin } from '../../protocols/oci/index.ts'
import type { SetupInput } from './setup.ts'

/**
 * A parsed setup request as setup decides it. Shared by the protocol routes and by replay
 * (docs/api.md, "Replay"), so a recorded request is read exactly as a live one.
 */
export function cxmlSetupInput(doc: CxmlRequestDocument, posr: PunchOutSetupRequest, customer: Customer): SetupInput {
  return {
    protocol: 'cxml',
    customer,
    operation: posr.operation,
    buyerCookie: posr.buyerCookie,
    returnUrl: posr.browserFormPostUrl,
    payloadId: doc.envelope.payloadID,
    deploymentMode: doc.envelope.deploymentMode,
    identitySource: identitySourceFromSetup(doc),
    restoredItems: posr.operation === 'create' ? [] : posr.itemOut,
    selectedSku: posr.selectedItem?.supplierPartID,
    protocolContext: {
      buyerCredentials: doc.envelope.header.from.map(({ domain, identity }) => ({ domain, identity })),
      supplierCredentials: doc.envelope.header.to.map(({ domain, identity }) => ({ domain, identity })),
    },
  }
}

export function ociSetupInput(login: OciLogin, customer: Customer, operation: SetupInput['operation'], selectedSku?: string): SetupInput {
  return {
    protocol: 'oci',
    customer,
    operation,
    ...(login.hookUrl ? { returnUrl: login.hookUrl } : {}),
    // OCI has no test/production flag; the customer's OCI credential decides where it lands.
    deploymentMode: 'production',
    identitySource: identitySourceFromOci(login),
    restoredItems: [],
    ...(selectedSku ? { selectedSku } : {}),
    protocolContext: { oci: ociContext(login) },
  }
}

/** What the cart return must echo (docs/oci.md, "Buyer-system quirks") and what the storefront opens on. */
function ociContext(login: OciLogin): NonNullable<SessionProtocolContext['oci']> {
  const oci: NonNullable<SessionProtocolContext['oci']> = {}
  if (login.ociVersion !== undefined) oci.version = login.ociVersion
  if (login.okCode !== undefined) oci.okCode = login.okCode
  if (login.target !== undefined) oci.target = login.target
  if (login.caller !== undefined) oci.caller = login.caller
  if (login.function !== undefined) oci.function = login.function
  if (login.function === 'SOURCING' && login.searchString !== undefined) oci.searchString = login.searchString
  return oci
}
