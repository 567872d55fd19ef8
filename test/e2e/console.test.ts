import t from 'tap'
import { openBrowser, skipDemoBrowserTest as skip, startDemoGateway } from '../helpers/browser.ts'

/**
 * The support console in a real browser (docs/console.md): an agent signs in, finds the failed
 * session of a buyer whose role the customer's policy rejects, opens it, maps the missing role
 * from there, and sees the review list shrink; the buyer's next punchout then goes through.
 * Every console page visited is saved as a full-page screenshot under test/artifacts/.
 */
const PASSWORD = 'e2e agent password 1234'
const STOREFRONT_TOKEN = 'e2e-storefront-token-0123456789'

t.test('sign in → failed session → open it → map the missing role → the review list shrinks', { skip }, async (t) => {
  const { base, api, postCxml } = await startDemoGateway(t, 'console', { PUNCHGATE_STOREFRONT_TOKEN: STOREFRONT_TOKEN })
  await api('POST', '/api/agents', { email: 'sam.support@supplier.example', name: 'Sam Admin', role: 'admin', password: PASSWORD })
  const northwind = await api('POST', '/api/customers', {
    name: 'Northwind Traders', slug: 'northwind', slaTier: 1, returnUrlHosts: ['buyer.example.com'], provisioning: { unknownRoles: 'reject' },
  })
  await api('POST', `/api/customers/${northwind.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-NORTHWIND', sharedSecret: 'northwind-secret' })
  const contoso = await api('POST', '/api/customers', { name: 'Contoso', slug: 'contoso', returnUrlHosts: ['buyer.example.com'] })
  await api('POST', `/api/customers/${contoso.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-CONTOSO', sharedSecret: 'contoso-secret' })
  const setup = (from: [string, string], secret: string, role: string, user: string) =>
    postCxml(setupXml(from, secret, role, user))
  // Contoso creates unknown roles pending review (and its buyer returns a cart); Northwind refuses them.
  const contosoSetup = await setup(['NetworkID', 'AN-CONTOSO'], 'contoso-secret', 'Viewer-Temp', 'tom')
  t.match(contosoSetup, /<Status code="200"/)
  const cartSession = await returnCart(/<URL>([^<]+)<\/URL>/.exec(contosoSetup)![1]!)
  t.match(await setup(['NetworkID', 'AN-NORTHWIND'], 'northwind-secret', 'Approver-EMEA', 'erika'), /<Status code="403"/, 'the setup is refused')

  const { page, errors, screenshot } = await openBrowser(t, 'console')

  await page.goto(`${base}/console`)
  t.match(new URL(page.url()).pathname, '/console/sign-in', 'an anonymous visit lands on the sign-in form')
  await screenshot('sign-in')
  await page.fill('input[name=email]', 'sam.support@supplier.example')
  await page.fill('input[name=password]', PASSWORD)
  await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')])
  t.match(await page.textContent('header'), 'Sam Admin · admin')
  const group = page.locator('#failure-groups tr', { hasText: 'Northwind Traders' })
  t.match(await group.textContent(), /Tier 1.*PG_ERR_ROLE_REJECTED/s, 'home: the failure, grouped under its customer with its tier')
  t.ok(await page.locator('#chart-sessions svg').isVisible(), 'home: sessions chart')
  t.ok(await page.locator('#chart-failures svg').isVisible(), 'home: failure reasons chart')
  await screenshot('home')

  await page.click('nav >> text=Roles')
  const pendingBefore = await page.locator('#review-list tbody tr').count()
  t.equal(pendingBefore, 2, 'the review list: the pending role and the refused one')
  t.match(await page.textContent('#review-list'), /Approver-EMEA[\s\S]*refused at setup/)
  await screenshot('roles-review')

  await page.click('nav >> text=Sessions')
  await page.selectOption('select[name=status]', 'failed')
  await Promise.all([page.waitForURL(/status=failed/), page.click('#session-filters button[type=submit]')])
  const row = page.locator('#session-table tbody tr', { hasText: 'Northwind Traders' })
  t.equal(await page.locator('#session-table tbody tr').count(), 1, 'the failed session is found')
  await screenshot('sessions-failed')
  await Promise.all([page.waitForURL(/\/console\/sessions\/[0-9a-f-]{36}$/), row.getByRole('link', { name: 'Open' }).click()])
  t.match(await page.textContent('#failure'), /PG_ERR_ROLE_REJECTED[\s\S]*Approver-EMEA/)
  t.match(await page.textContent('#timeline'), /role\.rejected/)
  await page.click('#requests details summary')
  t.match(await page.textContent('#requests .x-tag >> nth=0'), /<\?|<cXML|<!DOCTYPE/)
  await screenshot('session-failed')

  await Promise.all([page.waitForURL(/\/roles\?map=Approver-EMEA/), page.click('#map-role')])
  t.equal(await page.inputValue('#map-form input[name=role]'), 'Approver-EMEA', 'the role name is filled in')
  for (const permission of ['browse', 'view_contract_prices', 'add_to_cart', 'return_cart']) await page.check(`#map-form input[value=${permission}]`)
  await page.fill('#map-form input[name=reason]', 'Erika needs approver rights (ticket 4711)')
  await screenshot('roles-map')
  await Promise.all([page.waitForURL(/\/roles$/), page.click('#map-form button[type=submit]')])
  t.match(await page.textContent('#role-table'), /Approver-EMEA\s*mapped/)
  await screenshot('roles-mapped')

  await page.click('nav >> text=Roles')
  t.equal(await page.locator('#review-list tbody tr').count(), pendingBefore - 1, 'the review list shrank')
  t.notMatch(await page.textContent('#review-list'), /Approver-EMEA/)
  await screenshot('roles-review-after')
  t.match(await setup(['NetworkID', 'AN-NORTHWIND'], 'northwind-secret', 'Approver-EMEA', 'erika'), /<Status code="200"/, "the buyer's next punchout goes through")

  await page.goto(`${base}/console/sessions/${cartSession}`)
  t.match(await page.textContent('#carts'), /GLV-NIT-L[\s\S]*Nitrile gloves, large[\s\S]*32\.85/, 'the returned cart as a table')
  await screenshot('session-cart')

  await page.click('nav >> text=Customers')
  await screenshot('customers')
  await Promise.all([page.waitForURL(/\/console\/customers\/[0-9a-f-]{36}$/), page.click('text=Northwind Traders')])
  t.match(await page.textContent('#settings'), /Tier 1 · respond within 2 h/)
  await screenshot('customer')
  await page.click('nav >> text=Users')
  await screenshot('users')
  await page.click('nav >> text=Requests')
  await screenshot('requests')
  await page.setViewportSize({ width: 800, height: 1000 })
  await page.click('nav >> text=Home')
  await screenshot('home-tablet')
  t.same(errors, [], 'no script or CSP error in the browser')
})

/** The storefront's part, without a browser: the start link opened, then a cart returned through the cart API. */
async function returnCart(startPage: string): Promise<string> {
  const start = await fetch(startPage, { redirect: 'manual' })
  const assertion = new URL(start.headers.get('location')!).searchParams.get('assertion')!
  const sid = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString('utf8')).sid as string
  const res = await fetch(new URL(`/punchout/sessions/${sid}/cart`, startPage), {
    method: 'POST', headers: { authorization: `Bearer ${STOREFRONT_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ items: [
      { sku: 'GLV-NIT-L', quantity: 3, unitPrice: 10.95, currency: 'EUR', description: 'Nitrile gloves, large', unitOfMeasure: 'BX', classification: '46181504' },
      { sku: 'PEN-BLU-12', quantity: 2, unitPrice: 3.9, currency: 'EUR', description: 'Ballpoint pens, blue', unitOfMeasure: 'PK' },
    ] }),
  })
  if (!res.ok) throw new Error(`cart return: ${res.status} ${await res.text()}`)
  return sid
}

function setupXml([domain, identity]: [string, string], secret: string, role: string, user: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="${Date.now()}.${user}@buyer.example.com" timestamp="2026-11-23T10:00:00+00:00">
<Header><From><Credential domain="${domain}"><Identity>${identity}</Identity></Credential></From><To><Credential domain="DUNS"><Identity>1</Identity></Credential></To>
<Sender><Credential domain="${domain}"><Identity>${identity}</Identity><SharedSecret>${secret}</SharedSecret></Credential><UserAgent>e2e</UserAgent></Sender></Header>
<Request><PunchOutSetupRequest operation="create"><BuyerCookie>c-${user}</BuyerCookie>
<Extrinsic name="UserEmail">${user}@buyer.example.com</Extrinsic><Extrinsic name="UniqueName">${user}</Extrinsic><Extrinsic name="Role">${role}</Extrinsic>
<BrowserFormPost><URL>https://buyer.example.com/punchout/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>`
}
