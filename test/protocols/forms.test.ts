import t from 'tap'
import { renderAutoPostForm, type AutoPostFormInput } from '../../src/protocols/forms.ts'
import { formInputs, forms } from '../helpers/oci-form.ts'

const base: AutoPostFormInput = {
  action: 'https://srm.example.com/sap/bc/bsp/sap/bbp_oci_hook?sap-client=100&~caller=CTLG',
  target: '_top',
  fields: [['NEW_ITEM-DESCRIPTION[1]', 'Screw']],
  charset: 'UTF-8',
  title: 'Returning your cart',
  nonce: 'r4nd0m+N0nce/==',
}

t.test('C2 xss-autopost-hidden-field: hostile values are encoded', async (t) => {
  const hostile: Array<[string, string]> = [
    ['NEW_ITEM-DESCRIPTION[1]', '"><script>alert(1)</script>'],
    ['NEW_ITEM-LONGTEXT_1:132[]', "</form><form action='https://evil.example'>"],
    ['"><img src=x onerror=alert(1)>', "it's & <b>"],
  ]
  const html = renderAutoPostForm({ ...base, fields: hostile, title: '</title><script>x()</script>' })
  t.equal((html.match(/<script\b/g) ?? []).length, 1, 'only our own script')
  t.equal((html.match(/<form\b/gi) ?? []).length, 1, 'exactly one form')
  t.equal((html.match(/<\/form>/gi) ?? []).length, 1, 'exactly one form end')
  t.notMatch(html, /<img/)
  t.match(html, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  t.match(html, /&lt;\/form&gt;&lt;form action=&#39;https:\/\/evil\.example&#39;&gt;/)
  t.match(html, /<title>&lt;\/title&gt;&lt;script&gt;x\(\)&lt;\/script&gt;<\/title>/)
  t.same(formInputs(html), hostile, 'values survive the round trip exactly')
})

t.test('one form, attributes, field order kept', async (t) => {
  const fields: Array<[string, string]> = [
    ['~OkCode', 'ADDI'], ['~TARGET', '_top'], ['~CALLER', 'CTLG'],
    ['NEW_ITEM-DESCRIPTION[1]', 'Größe'], ['NEW_ITEM-QUANTITY[1]', '1'],
    ['NEW_ITEM-DESCRIPTION[2]', 'Second'], ['NEW_ITEM-LONGTEXT_2:132[]', 'Line one\nLine two\r\nLine three'],
    ['NEW_ITEM-DESCRIPTION[10]', 'Tenth'], ['NEW_ITEM-DESCRIPTION[3]', 'Third after tenth'],
  ]
  const html = renderAutoPostForm({ ...base, fields, charset: 'ISO-8859-1' })
  const [form, ...more] = forms(html)
  t.equal(more.length, 0)
  t.equal(form!.get('method'), 'post')
  t.equal(form!.get('action'), base.action, 'HOOK_URL with its query string posted to unchanged')
  t.equal(form!.get('target'), '_top')
  t.equal(form!.get('accept-charset'), 'ISO-8859-1')
  t.same(formInputs(html), fields, 'order and values (incl. line breaks) kept')
  t.match(html, /action="https:\/\/srm\.example\.com\/sap\/bc\/bsp\/sap\/bbp_oci_hook\?sap-client=100&amp;~caller=CTLG"/)
  t.notMatch(html, /value="[^"]*[\r\n]/, 'line breaks are character references')
})

t.test('page frame: doctype, title, nonce script, noscript Continue', async (t) => {
  const html = renderAutoPostForm(base)
  t.match(html, /^<!DOCTYPE html>/)
  t.match(html, /<meta charset="utf-8">/)
  t.match(html, /<title>Returning your cart<\/title>/)
  t.match(html, /<script nonce="r4nd0m\+N0nce\/==">[^<]*document\.forms\[0\][^<]*<\/script>/)
  t.match(html, /<noscript>[\s\S]*<button type="submit">Continue<\/button>[\s\S]*<\/noscript>\s*<\/form>/, 'button inside the form')
  t.notMatch(renderAutoPostForm({ ...base, target: undefined }), /target=/)
  t.notMatch(renderAutoPostForm({ ...base, target: '' }), /target=/)
  t.match(renderAutoPostForm({ ...base, target: '"_top' }), /target="&quot;_top"/)
})

t.test('protocol-neutral: cXML cart fields render the same way', async (t) => {
  const fields: Array<[string, string]> = [['cxml-urlencoded', '<?xml version="1.0"?><cXML payloadID="1@x">&amp;</cXML>']]
  const html = renderAutoPostForm({ ...base, action: 'https://buyer.example/poom', target: undefined, fields })
  t.same(formInputs(html), fields)
})

t.test('only http(s) actions', async (t) => {
  for (const action of ['javascript:alert(1)', 'data:text/html,x', '/relative', 'not a url']) {
    t.throws(() => renderAutoPostForm({ ...base, action }), { code: 'PG_ERR_RETURN_URL_REFUSED' }, action)
  }
  t.doesNotThrow(() => renderAutoPostForm({ ...base, action: 'http://localhost:8080/hook' }))
})
