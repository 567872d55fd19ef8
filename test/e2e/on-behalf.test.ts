import t from 'tap'
import { openBrowser, skipDemoBrowserTest as skip, startDemoGateway } from '../helpers/browser.ts'

/**
 * Order on behalf in a real browser (docs/console.md, "Order on behalf"): a support agent signs
 * in to the console, opens the buyer's row, acts for the buyer with a reason and a time box, lands
 * in the storefront under the "Acting for" banner, and orders the cart with the buyer's PO number.
 * Every page is saved as a full-page screenshot under test/artifacts/.
 */
const PASSWORD = 'e2e agent password 1234'

t.test('console → act for this buyer → banner in the storefront → order with the PO number', { skip }, async (t) => {
  const { base, api, postCxml } = await startDemoGateway(t, 'on-behalf')
  await api('POST', '/api/agents', { email: 'sue.support@supplier.example', name: 'Sue Support', role: 'support', password: PASSWORD })
  const fabrikam = await api('POST', '/api/customers', { name: 'Fabrikam', slug: 'fabrikam', returnUrlHosts: ['buyer.example.com'] })
  await api('POST', `/api/customers/${fabrikam.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-FABRIKAM', sharedSecret: 'fabrikam-secret' })
  // Fabrikam's buyers may order on account, up to 500 per order.
  await api('PUT', `/api/customers/${fabrikam.id}/roles/buyer`, { permissions: ['browse', 'view_contract_prices', 'add_to_cart', 'return_cart', 'order_on_account'], spendLimit: 500 })
  const setup = await postCxml(setupXml())
  t.match(setup, /<Status code="200"/, 'the buyer punched out once: their user exists')

  const { page, errors, screenshot } = await openBrowser(t, 'on-behalf')

  await page.goto(`${base}/console`)
  await page.fill('input[name=email]', 'sue.support@supplier.example')
  await page.fill('input[name=password]', PASSWORD)
  await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')])

  await page.goto(`${base}/console/users?customer=${fabrikam.id}`)
  const row = page.locator('#user-table tr', { hasText: 'frank' })
  await row.locator('.act-for-buyer summary').click()
  await row.locator('.act-for-buyer input[name=reason]').fill('Frank is travelling and asked for gloves (ticket 815)')
  await row.locator('.act-for-buyer input[name=minutes]').fill('20')
  await screenshot('console-act-for-buyer')
  await Promise.all([page.waitForURL(/\/console\/users\/[0-9a-f-]{36}\/on-behalf$/), row.locator('.act-for-buyer button[type=submit]').click()])
  t.match(await page.textContent('h1'), /Acting for Frank Buyer/)
  await screenshot('console-started')

  await Promise.all([page.waitForURL(/\/shop\/s\//), page.click('#open-on-behalf')])
  t.match(await page.textContent('#on-behalf-banner'), /Acting for Frank Buyer — agent:sue\.support@supplier\.example/, 'the banner names buyer and agent')
  await screenshot('storefront-banner')
  const product = page.locator('tr', { hasText: 'GLV-NIT-L' }).first()
  await Promise.all([page.waitForURL(/#cart$/), product.locator('button[type=submit]').click()])
  t.match(await page.textContent('#on-behalf-banner'), /Acting for Frank Buyer/, 'the banner stays on every page')
  await page.fill('#po-number', 'PO-FAB-2026-0042')
  await screenshot('storefront-cart')
  await Promise.all([page.waitForLoadState('load'), page.click('#order-on-behalf')])
  t.match(await page.textContent('#order-placed'), /Order PO-FAB-2026-0042 placed/)
  await screenshot('storefront-ordered')
  t.same(errors, [], 'no script or CSP error in the browser')
})

function setupXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="${Date.now()}.frank@buyer.example.com" timestamp="2026-11-23T10:00:00+00:00">
<Header><From><Credential domain="NetworkID"><Identity>AN-FABRIKAM</Identity></Credential></From><To><Credential domain="DUNS"><Identity>1</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>AN-FABRIKAM</Identity><SharedSecret>fabrikam-secret</SharedSecret></Credential><UserAgent>e2e</UserAgent></Sender></Header>
<Request><PunchOutSetupRequest operation="create"><BuyerCookie>c-frank</BuyerCookie>
<Extrinsic name="UserEmail">frank@buyer.example.com</Extrinsic><Extrinsic name="UniqueName">frank</Extrinsic><Extrinsic name="UserFullName">Frank Buyer</Extrinsic>
<BrowserFormPost><URL>https://buyer.example.com/punchout/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>`
}
