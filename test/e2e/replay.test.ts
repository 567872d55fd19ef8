import t from 'tap'
import { openBrowser, skipDemoBrowserTest as skip, startDemoGateway } from '../helpers/browser.ts'

/**
 * Replay in a real browser (docs/console.md, "Replay and re-send"): an agent opens a buyer's
 * failed session, maps the rejected role from there, runs a dry run (the then/now diff), replays
 * live and opens the new session's start link. Screenshots under test/artifacts/replay-*.png.
 */
const PASSWORD = 'e2e agent password 1234'

t.test('failed session → map the role → dry run shows the diff → live replay → the buyer can start', { skip }, async (t) => {
  const { base, api, postCxml } = await startDemoGateway(t, 'replay')
  await api('POST', '/api/agents', { email: 'ana.admin@supplier.example', name: 'Ana Admin', role: 'admin', password: PASSWORD })
  const fabrikam = await api('POST', '/api/customers', { name: 'Fabrikam', slug: 'fabrikam', returnUrlHosts: ['buyer.example.com'], provisioning: { unknownRoles: 'reject' } })
  await api('POST', `/api/customers/${fabrikam.id}/credentials`, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-FABRIKAM', sharedSecret: 'fabrikam-secret' })
  const refused = await postCxml(setupXml('Buyer-Lead', 'lena'))
  t.match(refused, /<Status code="403"/, 'the setup is refused')

  const { page, errors, screenshot } = await openBrowser(t, 'replay')
  // The live replay asks before it creates a session.
  page.on('dialog', (d) => d.accept())

  await page.goto(`${base}/console/sign-in`)
  await page.fill('input[name=email]', 'ana.admin@supplier.example')
  await page.fill('input[name=password]', PASSWORD)
  await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')])
  await page.goto(`${base}/console/sessions?status=failed`)
  await Promise.all([page.waitForURL(/\/console\/sessions\/[0-9a-f-]{36}$/), page.locator('#session-table tbody tr', { hasText: 'Fabrikam' }).getByRole('link', { name: 'Open' }).click()])
  const sessionUrl = page.url()
  t.match(await page.textContent('#failure'), /PG_ERR_ROLE_REJECTED[\s\S]*Buyer-Lead/)
  t.ok(await page.locator('#replay-dry-run button').isVisible(), 'the replay buttons are on the session page')
  await screenshot('session-failed')

  await Promise.all([page.waitForURL(/\/roles\?map=Buyer-Lead/), page.click('#map-role')])
  for (const permission of ['browse', 'add_to_cart', 'return_cart']) await page.check(`#map-form input[value=${permission}]`)
  await page.fill('#map-form input[name=reason]', 'Lena leads purchasing (ticket 815)')
  await Promise.all([page.waitForURL(/\/roles$/), page.click('#map-form button[type=submit]')])
  await screenshot('role-mapped')

  await page.goto(sessionUrl)
  await Promise.all([page.waitForURL(/\/replay$/), page.click('#replay-dry-run button')])
  t.match(await page.textContent('#then'), /refused[\s\S]*PG_ERR_ROLE_REJECTED/)
  t.match(await page.textContent('#now'), /provisioned[\s\S]*would be created[\s\S]*Buyer-Lead/)
  const roles = page.locator('#replay-diff tr', { has: page.locator('th', { hasText: /^Roles$/ }) })
  t.match(await roles.textContent(), /Buyer-Lead rejected[\s\S]*Buyer-Lead mapped → \[browse, add_to_cart, return_cart\][\s\S]*changed/, 'the diff shows the role step changed')
  await screenshot('dry-run-diff')

  await page.goto(sessionUrl)
  await page.fill('#replay-live input[name=reason]', 'Lena is waiting (ticket 815)')
  await Promise.all([page.waitForURL(/\/replay$/), page.click('#replay-live button')])
  const startUrl = (await page.textContent('#start-url'))!.trim()
  t.match(startUrl, `${base}/punchout/start/`)
  await screenshot('live-replay')

  await page.goto(startUrl)
  t.match(new URL(page.url()).pathname, /^\/shop/, 'the start link signs the buyer in to the storefront')
  await screenshot('storefront')
  t.equal((await fetch(startUrl, { redirect: 'manual' })).status, 410, 'once')

  await page.goto(sessionUrl)
  const replayLink = page.locator('#replay a').last()
  await Promise.all([page.waitForURL(/\/console\/sessions\/[0-9a-f-]{36}$/), replayLink.click()])
  t.match(await page.textContent('#timeline'), /session\.replay[\s\S]*agent:ana\.admin@supplier\.example[\s\S]*start\.used/)
  await screenshot('replay-session')
  t.same(errors, [], 'no script or CSP error in the browser')
})

function setupXml(role: string, user: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="${Date.now()}.${user}@buyer.example.com" timestamp="2026-11-23T10:00:00+00:00">
<Header><From><Credential domain="NetworkID"><Identity>AN-FABRIKAM</Identity></Credential></From><To><Credential domain="DUNS"><Identity>1</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>AN-FABRIKAM</Identity><SharedSecret>fabrikam-secret</SharedSecret></Credential><UserAgent>e2e</UserAgent></Sender></Header>
<Request><PunchOutSetupRequest operation="create"><BuyerCookie>c-${user}</BuyerCookie>
<Extrinsic name="UserEmail">${user}@buyer.example.com</Extrinsic><Extrinsic name="UniqueName">${user}</Extrinsic><Extrinsic name="Role">${role}</Extrinsic>
<BrowserFormPost><URL>https://buyer.example.com/punchout/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>`
}
