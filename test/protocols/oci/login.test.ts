import t from 'tap'
import { readFileSync } from 'node:fs'
import { identitySourceFromOci, parseOciLogin, redactOciPassword } from '../../../src/protocols/oci/login.ts'
import { PunchgateError } from '../../../src/errors/index.ts'

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/oci/${name}`, import.meta.url), 'utf8')

/** What Fastify hands us for a query string (repeated names become arrays). */
const queryOf = (url: string): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of new URL(url).searchParams) {
    const prev = out[k]
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return out
}

const FORM = 'application/x-www-form-urlencoded'
const body = (s: string): Buffer => Buffer.from(s, 'latin1')

const code = (e: unknown): string | undefined => (e instanceof PunchgateError ? e.code : undefined)

t.test('the Caterpillar SIS login URL parses', async (t) => {
  const login = parseOciLogin(queryOf(fixture('caterpillar-sis-oci-login-url-okcode-target-caller.txt')), undefined)
  t.equal(login.username, '*username*')
  t.equal(login.password, '*password*')
  t.equal(login.okCode, 'ADDI')
  t.equal(login.target, '_blank')
  t.equal(login.caller, 'CTLG')
  t.equal(login.hookUrl, undefined, 'the URL carries no HOOK_URL')
  t.equal(login.function, undefined)
  t.same(login.fields, { BUYER_MPID: 'AMTINTERFACE', USERNAME: '*username*', '~OKCODE': 'ADDI', '~TARGET': '_blank', '~CALLER': 'CTLG' })
  t.notOk('PASSWORD' in login.fields, 'password is not among the fields')
})

t.test('HOOK_URL posted in the body completes the Caterpillar call; body wins over query', async (t) => {
  const q = queryOf(fixture('caterpillar-sis-oci-login-url-okcode-target-caller.txt'))
  const hook = 'https://srm.example.com/sap/bc/bsp/sap/bbp_oci_hook?sap-client=100&~caller=CTLG&x=a%20b'
  const login = parseOciLogin(q, body(`HOOK_URL=${encodeURIComponent(hook)}&~TARGET=_top`), FORM)
  t.equal(login.hookUrl, hook, 'own query string kept unchanged')
  t.equal(login.target, '_top', 'body wins')
  t.equal(login.okCode, 'ADDI', 'query still used')
})

t.test('names are case-insensitive', async (t) => {
  const login = parseOciLogin(
    { username: 'buyer', PassWord: 's3cret', hook_url: 'https://h.example/x', '~okcode': 'ADDI', '~Target': '_top', '~caller': 'CTLG', oci_version: '5.0', Opi_Version: '1.0', returntarget: '_parent' },
    undefined,
  )
  t.equal(login.username, 'buyer')
  t.equal(login.password, 's3cret')
  t.equal(login.hookUrl, 'https://h.example/x')
  t.equal(login.okCode, 'ADDI')
  t.equal(login.target, '_top')
  t.equal(login.caller, 'CTLG')
  t.equal(login.ociVersion, '5.0')
  t.equal(login.opiVersion, '1.0')
  t.equal(login.returnTarget, '_parent')
  t.same(Object.keys(login.fields).sort(), ['HOOK_URL', 'OCI_VERSION', 'OPI_VERSION', 'RETURNTARGET', 'USERNAME', '~CALLER', '~OKCODE', '~TARGET'])
})

t.test('HOOK_URL is trimmed but otherwise untouched; first value of a repeated query name wins', async (t) => {
  const hook = 'https://srm.example.com/sap/bc/bsp/sap/bbp_oci?sap-client=100&~caller=CTLG&OkCode=ADDI'
  const login = parseOciLogin({ USERNAME: ['first', 'second'], HOOK_URL: `  ${hook}\n` }, undefined)
  t.equal(login.username, 'first')
  t.equal(login.hookUrl, hook)
})

t.test('ISO-8859-1 body with umlauts: percent-escapes are bytes', async (t) => {
  // %E4 = ä, %F6 = ö, %FC = ü, %DF = ß in ISO-8859-1 (invalid as UTF-8).
  const raw = body('USERNAME=m%FCller&SEARCHSTRING=Gr%F6%DFe+%E4&FUNCTION=BACKGROUND_SEARCH&VENDOR=K%E4se')
  const viaHeader = parseOciLogin({}, raw, `${FORM}; charset=ISO-8859-1`)
  t.equal(viaHeader.username, 'müller')
  t.equal(viaHeader.searchString, 'Größe ä')
  t.equal(viaHeader.vendor, 'Käse')
  t.equal(viaHeader.function, 'BACKGROUND_SEARCH')

  const viaField = parseOciLogin({}, body('_charset_=ISO-8859-1&USERNAME=m%FCller'), FORM)
  t.equal(viaField.username, 'müller', '_charset_ field declares the encoding')

  const rawBytes = parseOciLogin({}, Buffer.concat([body('USERNAME=m'), Buffer.from([0xfc]), body('ller')]), `${FORM};charset="iso-8859-1"`)
  t.equal(rawBytes.username, 'müller', 'unescaped latin1 byte')

  const undeclared = parseOciLogin({}, body('USERNAME=m%FCller'), FORM)
  t.equal(undeclared.username, 'müller', 'undeclared and not UTF-8: read as ISO-8859-1 (SAP default)')

  const utf8 = parseOciLogin({}, Buffer.from(`USERNAME=${encodeURIComponent('müller')}&X=${encodeURIComponent('😀')}`), FORM)
  t.equal(utf8.username, 'müller', 'UTF-8 default')
  t.equal(utf8.fields.X, '😀')
})

t.test('a body that is not in its declared charset, or not form-encoded, is refused', async (t) => {
  t.throws(() => parseOciLogin({}, body('USERNAME=m%FCller'), `${FORM}; charset=utf-8`), { code: 'PG_ERR_OCI_INVALID' })
  t.throws(() => parseOciLogin({}, body('USERNAME=x'), `${FORM}; charset=x-no-such-charset`), { code: 'PG_ERR_OCI_INVALID' })
  t.throws(() => parseOciLogin({}, body('--b\r\n'), 'multipart/form-data; boundary=b'), { code: 'PG_ERR_OCI_INVALID' })
})

t.test('QUANTITY: comma or dot decimal and surrounding blanks', async (t) => {
  const q = (v: string) => parseOciLogin({ USERNAME: 'u', FUNCTION: 'VALIDATE', PRODUCTID: 'P-1', QUANTITY: v }, undefined).quantity
  t.equal(q('1,5'), 1.5)
  t.equal(q(' 2.250 '), 2.25)
  t.equal(q('10'), 10)
  t.equal(q(' 0,001'), 0.001)
  t.equal(parseOciLogin({}, body('USERNAME=u&FUNCTION=VALIDATE&PRODUCTID=P&QUANTITY=+3%2C5+'), FORM).quantity, 3.5, 'from a form body')
  for (const bad of ['1.000,5', 'abc', '1e3', '-1']) {
    t.throws(() => q(bad), { code: 'PG_ERR_OCI_INVALID' }, `refuses ${bad}`)
  }
})

t.test('every FUNCTION, including the OCI 3.0 PRODUCTDETAILS alias', async (t) => {
  const fn = (f: string, extra: Record<string, string> = {}) => parseOciLogin({ USERNAME: 'u', FUNCTION: f, ...extra }, undefined)
  t.equal(fn('DETAIL', { PRODUCTID: 'ABC-1' }).function, 'DETAIL')
  t.equal(fn('DETAIL', { PRODUCTID: 'ABC-1' }).productId, 'ABC-1')
  t.equal(fn('productdetails', { PRODUCTID: 'ABC-1' }).function, 'DETAIL', 'alias, any case')
  t.equal(fn('VALIDATE', { PRODUCTID: 'ABC-1', QUANTITY: '3' }).function, 'VALIDATE')
  t.equal(fn('SOURCING').function, 'SOURCING')
  t.equal(fn('BACKGROUND_SEARCH', { SEARCHSTRING: 'screw M4' }).searchString, 'screw M4')
  t.equal(fn('QUANTITY_CHECK', { PRODUCTID: 'ABC-1', QUANTITY: '5' }).function, 'QUANTITY_CHECK')
  t.equal(fn(' ').function, undefined, 'blank FUNCTION is the normal browse call')
  t.throws(() => fn('DETAIL'), { code: 'PG_ERR_OCI_INVALID' }, 'DETAIL needs PRODUCTID')
  t.throws(() => fn('BACKGROUND_SEARCH'), { code: 'PG_ERR_OCI_INVALID' }, 'BACKGROUND_SEARCH needs SEARCHSTRING')
})

t.test('an unknown FUNCTION is refused and named', async (t) => {
  try {
    parseOciLogin({ USERNAME: 'u', FUNCTION: 'DELETE_CATALOG' }, undefined)
    t.fail('should throw')
  } catch (e) {
    t.equal(code(e), 'PG_ERR_OCI_FUNCTION_UNSUPPORTED')
    t.match((e as Error).message, /DELETE_CATALOG/)
    t.equal((e as PunchgateError).details?.function, 'DELETE_CATALOG')
  }
})

t.test('missing USERNAME', async (t) => {
  t.throws(() => parseOciLogin({ PASSWORD: 'x' }, undefined), { code: 'PG_ERR_OCI_INVALID' })
  t.throws(() => parseOciLogin({ USERNAME: '  ' }, undefined), { code: 'PG_ERR_OCI_INVALID' })
  t.throws(() => parseOciLogin({}, undefined), { code: 'PG_ERR_OCI_INVALID' })
})

t.test('language and charset hints', async (t) => {
  const login = parseOciLogin({ USERNAME: 'u', 'sy-langu': 'DE', http_content_charset: 'utf-8' }, undefined)
  t.equal(login.language, 'DE')
  t.equal(login.httpContentCharset, 'utf-8')
})

t.test('__proto__ and friends cannot pollute or appear', async (t) => {
  const login = parseOciLogin({ USERNAME: 'u' }, body('__proto__=x&__proto__%5Bpolluted%5D=1&constructor=y&prototype=z&A=1'), FORM)
  t.same(login.fields, { USERNAME: 'u', '__PROTO__[POLLUTED]': '1', A: '1' })
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  t.equal(Object.getPrototypeOf(login.fields), Object.prototype)
})

t.test('identitySourceFromOci', async (t) => {
  const login = parseOciLogin({ USERNAME: 'u', PASSWORD: 'p', EMAIL: 'a@b.example' }, undefined)
  t.same(identitySourceFromOci(login), {
    protocol: 'oci', extrinsics: [], contacts: [], header: {}, formFields: { USERNAME: 'u', EMAIL: 'a@b.example' },
    formFieldValues: { USERNAME: ['u'], EMAIL: ['a@b.example'] },
  })
})

t.test('password redaction', async (t) => {
  const cases: Array<[string, string]> = [
    ['USERNAME=u&PASSWORD=s3cret&HOOK_URL=x', 'USERNAME=u&PASSWORD=***&HOOK_URL=x'],
    ['PASSWORD=s3cret', 'PASSWORD=***'],
    ['password=s3cret&x=1', 'password=***&x=1'],
    ['USERNAME=u&PassWord=s%26cr%3Det', 'USERNAME=u&PassWord=***'],
    ['USERNAME=u&%50ASSWORD=abc', 'USERNAME=u&%50ASSWORD=***'],
    ['USERNAME=u&pass%77ord=abc', 'USERNAME=u&pass%77ord=***'],
    ['https://catsisweb.cat.com/psb2b/ReceiveDocumentServlet/OCIRoundTrip/T080?BUYER_MPID=AMT&USERNAME=*username*&PASSWORD=*password*&~OkCode=ADDI',
      'https://catsisweb.cat.com/psb2b/ReceiveDocumentServlet/OCIRoundTrip/T080?BUYER_MPID=AMT&USERNAME=*username*&PASSWORD=***&~OkCode=ADDI'],
    ['/oci?password=a;b#c&USERNAME=u', '/oci?password=***&USERNAME=u'],
    ['USERNAME=u&amp;PASSWORD=x&amp;A=1', 'USERNAME=u&amp;PASSWORD=***&amp;A=1'],
    ['POST /oci\n\nPASSWORD=x&USERNAME=u', 'POST /oci\n\nPASSWORD=***&USERNAME=u'],
    ['USERNAME=u&PASSWORDX=keep&MYPASSWORD=keep', 'USERNAME=u&PASSWORDX=keep&MYPASSWORD=keep'],
    ['PASSWORD=&PASSWORD=again', 'PASSWORD=***&PASSWORD=***'],
  ]
  for (const [input, expected] of cases) t.equal(redactOciPassword(input), expected, input)

  const realUrl = fixture('caterpillar-sis-oci-login-url-okcode-target-caller.txt')
  t.notMatch(redactOciPassword(realUrl), /\*password\*/, 'the fixture URL loses its password')
})
