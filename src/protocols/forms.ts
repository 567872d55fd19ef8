/**
 * The self-submitting HTML page that carries a cart back to the buyer system through the
 * user's browser. Protocol-neutral: OCI posts NEW_ITEM fields to HOOK_URL (docs/oci.md, "OCI cart
 * return"), cXML posts `cxml-urlencoded` or `cxml-base64` to BrowserFormPost (docs/cxml.md, "How the
 * cart reaches the buyer").
 *
 * Every name and value is attribute-encoded (& < > " '), and CR/LF as character references so
 * the HTML parser's newline normalisation cannot change a value (long texts keep their line
 * breaks, cf. the real OCI capture in fixtures/oci). The page must be served as
 * `text/html; charset=utf-8` with a CSP whose `script-src` allows the nonce and whose
 * `form-action` allows the return URL.
 */
import { PunchgateError } from '../errors/index.ts'

export interface AutoPostFormInput {
  /** Absolute http(s) URL, posted to unchanged (its own query string included). */
  action: string
  /** Browsing context (`_top`, `_blank`, `_parent`, a frame name); omitted when undefined or empty. */
  target?: string
  fields: Array<[string, string]>
  /** Encoding the browser uses for the post (`accept-charset`); OCI buyers may want ISO-8859-1. */
  charset: 'UTF-8' | 'ISO-8859-1'
  title: string
  /** CSP nonce for the one inline script. */
  nonce: string
}

const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\n': '&#10;', '\r': '&#13;',
}

/** Escape for a double-quoted attribute value (also safe as element text). */
export const escapeHtmlAttr = (value: string): string => String(value).replace(/[&<>"'\n\r]/g, (c) => ATTR_ESCAPES[c]!)

function assertHttpUrl(action: string): void {
  let url: URL
  try {
    url = new URL(action)
  } catch {
    throw new PunchgateError('PG_ERR_RETURN_URL_REFUSED', 'The return URL is not an absolute URL.')
  }
  // A javascript: or data: action would run script in our origin's page.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PunchgateError('PG_ERR_RETURN_URL_REFUSED', `The return URL scheme ${url.protocol} is not http or https.`)
  }
}

/**
 * A complete HTML page with exactly one form that submits itself on load; without script the
 * user presses "Continue". Field order is kept. Throws PG_ERR_RETURN_URL_REFUSED for a
 * non-http(s) action.
 */
export function renderAutoPostForm(input: AutoPostFormInput): string {
  assertHttpUrl(input.action)
  const target = input.target ? ` target="${escapeHtmlAttr(input.target)}"` : ''
  const inputs = input.fields
    .map(([name, value]) => `<input type="hidden" name="${escapeHtmlAttr(name)}" value="${escapeHtmlAttr(value)}">`)
    .join('\n')
  // The prototype call still works if a field is named "submit", which would shadow form.submit.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${escapeHtmlAttr(input.title)}</title>
</head>
<body>
<form method="post" action="${escapeHtmlAttr(input.action)}"${target} accept-charset="${input.charset}">
${inputs}
<noscript>
<p>Scripts are turned off in this browser. Select Continue to send your selection back to your purchasing system.</p>
<button type="submit">Continue</button>
</noscript>
</form>
<script nonce="${escapeHtmlAttr(input.nonce)}">HTMLFormElement.prototype.submit.call(document.forms[0])</script>
</body>
</html>
`
}
