import t from 'tap'
import { checkReturnUrl } from '../../src/domain/return-url.ts'

/** docs/api.md, "Return-URL allow-list": the allow-list of return URLs (BrowserFormPost, HOOK_URL). */
const ALLOW = ['buyer.example.com/punchout/return', 'http://test.buyer.example.com', 'srm.example.com:8443']

const refused: Array<[string, string]> = [
  ['D1 redirect-userinfo', 'https://buyer.example.com@evil.test/punchout/return'],
  ['D2 redirect-suffix-host', 'https://buyer.example.com.evil.test/punchout/return'],
  ['D3 redirect-scheme (javascript:)', 'javascript:alert(1)'],
  ['D3 redirect-scheme (data:)', 'data:text/html,<script>alert(1)</script>'],
  ['D3 redirect-scheme (vbscript:)', 'vbscript:msgbox(1)'],
  ['D3 redirect-scheme (file:)', 'file:///etc/passwd'],
  ['D3 redirect-scheme (ftp:)', 'ftp://buyer.example.com/punchout/return'],
  ['D4 redirect-http-downgrade', 'http://buyer.example.com/punchout/return'],
  ['D5 redirect-protocol-relative-backslash (//host)', '//evil.test/punchout/return'],
  ['D5 redirect-protocol-relative-backslash (/\\host)', '/\\evil.test/punchout/return'],
  ['D5 redirect-protocol-relative-backslash (https:\\\\host)', 'https:\\\\evil.test'],
  ['D5 redirect-protocol-relative-backslash (https:host)', 'https:evil.test'],
  ['D6 redirect-idn-homograph (Cyrillic е)', 'https://buyer.еxample.com/punchout/return'],
  ['D6 redirect-idn-homograph (punycode form)', 'https://buyer.xn--xample-2of.com/punchout/return'],
  ['D7 redirect-ctrl-chars (CR/LF)', 'https://buyer.example.com/punchout/return\r\nSet-Cookie: x=1'],
  ['D7 redirect-ctrl-chars (tab in host)', 'https://buyer.exa\tmple.com/punchout/return'],
  ['D7 redirect-ctrl-chars (NUL in path)', 'https://buyer.example.com/punchout/return\u0000x'],
  ['D7 redirect-ctrl-chars (%0d%0a in host)', 'https://buyer.example.com%0d%0a.evil.test/punchout/return'],
  ['D8 redirect-path-traversal (out of the prefix)', 'https://buyer.example.com/punchout/return/../../admin'],
  ['D8 redirect-path-traversal (sibling path)', 'https://buyer.example.com/punchout/returnx'],
  ['D9 redirect-trailing-dot-case-port (non-default port)', 'https://buyer.example.com:8443/punchout/return'],
  ['not on the list', 'https://evil.test/'],
  ['relative', '/punchout/return'],
]

const accepted: Array<[string, string, string]> = [
  ['exact', 'https://buyer.example.com/punchout/return', 'https://buyer.example.com/punchout/return'],
  ['below the prefix, query kept', 'https://buyer.example.com/punchout/return/x?a=1&b=2', 'https://buyer.example.com/punchout/return/x?a=1&b=2'],
  ['D9 redirect-trailing-dot-case-port (case, trailing dot, default port)', 'https://BUYER.example.com.:443/punchout/return', 'https://buyer.example.com./punchout/return'],
  ['http where the entry says so', 'http://test.buyer.example.com/hook', 'http://test.buyer.example.com/hook'],
  ['an allowed port', 'https://srm.example.com:8443/sap/bc/hook?~caller=CTLG', 'https://srm.example.com:8443/sap/bc/hook?~caller=CTLG'],
  ['localhost over http', 'http://localhost:3000/x', 'http://localhost:3000/x'],
]

for (const [name, url] of refused) {
  t.test(`${name}: refused`, async (t) => {
    t.throws(() => checkReturnUrl(url, [...ALLOW, 'localhost:3000']), { code: 'PG_ERR_RETURN_URL_REFUSED' })
  })
}

for (const [name, url, normalized] of accepted) {
  t.test(`${name}: accepted`, async (t) => {
    t.equal(checkReturnUrl(url, [...ALLOW, 'localhost:3000']), normalized)
  })
}

t.test('D10 redirect-no-allowlist: an empty allow-list refuses everything', async (t) => {
  t.throws(() => checkReturnUrl('https://buyer.example.com/punchout/return', []), { message: /not on the customer's allow-list/ })
})
