import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { CHROMIUM, skipDemoBrowserTest as skip } from '../helpers/browser.ts'
import { stop, waitForBanner } from '../helpers/server.ts'

/**
 * The README's quick start as a new user lives it: `npm start`'s server on a fresh data folder,
 * the printed curl's setup request, the StartPage opened in a real browser, a product added, the
 * return button pressed, and the demo procurement page showing the PunchOutOrderMessage; then the
 * printed OCI URL, which the README's quick start mentions and docs/oci.md "The login call" details.
 */
const ROOT = path.resolve(import.meta.dirname, '../..')

t.test('npm start → curl → StartPage in a browser → storefront → cart returned to BrowserFormPost; then the printed OCI URL', { skip }, async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-e2e-'))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--demo'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', PUNCHGATE_ADMIN_TOKEN: '', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => stop(server).then(() => rmSync(dataDir, { recursive: true, force: true })))
  const banner = await waitForBanner(server)

  const curl = /curl -s (\S+) -H 'Content-Type: text\/xml' --data-binary "\$\(cat <<XML\n([\s\S]+?)\nXML\n\)"/.exec(banner)
  t.ok(curl, 'the banner prints a ready-to-paste curl')
  const setupXml = curl![2]!.replace('$(date +%s)', String(Date.now()))
  const setup = await fetch(curl![1]!, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: setupXml })
  const startPage = /<URL>([^<]+)<\/URL>/.exec(await setup.text())?.[1]
  t.match(startPage, new RegExp(`^http://127\\.0\\.0\\.1:${port}/punchout/start/`))

  const { chromium } = await import('playwright-core')
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(async () => {
    await context.close()
    rmSync(userDataDir, { recursive: true, force: true })
  })
  const page = await context.newPage()
  await page.goto(startPage!)
  t.match(new URL(page.url()).pathname, '/shop', 'the StartPage lands in the storefront')
  t.match(await page.textContent('h1'), /Welcome, Jane Buyer/)
  await page.locator('tr', { hasText: 'GLV-NIT-L' }).getByRole('button', { name: 'Add' }).click()
  await page.waitForURL(/\/shop/)
  await Promise.all([page.waitForURL(/\/demo\/procurement\/return/), page.click('#return-cart')])
  const received = await page.textContent('#received')
  t.match(received, /<PunchOutOrderMessage>/)
  t.match(received, /<BuyerCookie>demo-cookie-1<\/BuyerCookie>/)
  t.match(received, /<SupplierPartID>GLV-NIT-L<\/SupplierPartID>/)
  t.match(received, /<Money currency="EUR">10.95<\/Money>/, 'the contract price')

  const ociUrl = /OCI punchout \(open in a browser\):\n(\S+)/.exec(banner)![1]!
  await page.goto(ociUrl)
  t.match(new URL(page.url()).pathname, '/shop', 'the printed OCI URL lands in the storefront')
  t.match(await page.textContent('h1'), /Welcome, Hans Müller/)
  await page.locator('tr', { hasText: 'PEN-BLU-12' }).getByRole('button', { name: 'Add' }).click()
  await page.waitForURL(/\/shop/)
  await Promise.all([page.waitForURL(/\/demo\/procurement\/return/), page.click('#return-cart')])
  const fields = await page.textContent('#received')
  t.match(fields, /NEW_ITEM-DESCRIPTION\[1\]\s*Ballpoint pens, blue/)
  t.match(fields, /NEW_ITEM-PRICE\[1\]\s*3\.9/)
  t.match(fields, /~OkCode\s*ADDI/)
})
