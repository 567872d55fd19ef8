import { execFileSync } from 'node:child_process'
import { createHash, generateKeyPairSync } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { BrowserContext, FrameLocator, Page } from 'playwright-core'
import { seedProducts } from '../../src/cli/demo.ts'
import { SessionEvent } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'
import { OCI_PASSWORD, OCI_USERNAME, loginParams } from '../http/oci/oci-helpers.ts'

/**
 * Punchout inside a buyer portal's frame, in real Chromium (docs/storefront.md, "Inside the
 * buyer's frame"). The gateway is served over https as gw.test by a small TLS front made here
 * (certificate made by this test, trusted by its SPKI hash); the buyer portal is another site,
 * buyer.test, that frames the StartPage and receives the cart. A control cookie — an ordinary
 * `SameSite=None; Secure` cookie of gw.test, set inside the frame — proves the profile really
 * blocks third-party cookies before the punchout is tried.
 */
const CHROMIUM = '/usr/bin/chromium'
const skip = existsSync(CHROMIUM) ? false : `browser test needs ${CHROMIUM} (apt-get install -y chromium)`

type Mode = 'top level' | 'frame, third-party cookies allowed' | 'frame, third-party cookies blocked'
type Protocol = 'cxml' | 'oci'
/** What the flow helpers assert with: the subtest they run in. */
interface Tap {
  match(found: unknown, pattern: RegExp, ...message: [string] | []): unknown
}

t.test('punchout in a cross-site frame, with and without third-party cookies', { skip }, async (t) => {
  const gateway = await buildTestApp(t, { PUBLIC_URL: 'https://gw.test' })
  const { app, db } = gateway
  await seedProducts(db.orm.em.fork())
  const cxmlCustomer = await createCustomer(app, { returnUrlHosts: ['buyer.test'] })
  await addCredential(app, cxmlCustomer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const ociCustomer = await createCustomer(app, { identityProfile: 'sap-oci', returnUrlHosts: ['buyer.test'] })
  await addCredential(app, ociCustomer.id, { protocol: 'oci', username: OCI_USERNAME, password: OCI_PASSWORD })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const front = await tlsFront((app.server.address() as AddressInfo).port)
  t.teardown(() => front.close())

  const work = mkdtempSync(path.join(tmpdir(), 'punchgate-framed-'))
  t.teardown(() => rmSync(work, { recursive: true, force: true }))
  const browser = (name: string, thirdPartyCookies: 'allow' | 'block') => launch(path.join(work, name), front, thirdPartyCookies)

  /** Starts a punchout of `protocol` whose cart goes to buyer.test/receive/<flow>. */
  async function punchoutUrl(protocol: Protocol, flow: string): Promise<string> {
    const receiver = `https://buyer.test/receive/${flow}`
    if (protocol === 'oci') {
      return `https://gw.test/punchout/oci?${loginParams({ HOOK_URL: receiver, '~TARGET': '_top' })}`
    }
    const res = await postCxml(app, setupRequest({ buyerCookie: flow, browserFormPost: receiver }))
    return cxmlAnswer(res.body).startPage!
  }

  /** The shop, wherever it is shown: add a product, return the cart, wait for the portal to receive it. */
  async function shopAndReturn(t: Tap, page: Page, shop: Page | FrameLocator, flow: string, protocol: Protocol) {
    await shop.locator('h1', { hasText: 'Welcome' }).waitFor({ timeout: 15_000 })
    await shop.locator('tr', { hasText: 'GLV-NIT-L' }).getByRole('button', { name: 'Add' }).click()
    await shop.locator('#cart td', { hasText: 'GLV-NIT-L' }).waitFor()
    await shop.locator('#return-cart').click()
    const received = await front.received(flow)
    if (protocol === 'cxml') {
      t.match(received, new RegExp(`<BuyerCookie>${flow}</BuyerCookie>`), `${flow}: the cart carries its own BuyerCookie`)
      t.match(received, /<SupplierPartID>GLV-NIT-L<\/SupplierPartID>/)
    } else {
      t.match(received, /NEW_ITEM-VENDORMAT\[1\]=GLV-NIT-L/, `${flow}: the OCI fields arrive`)
      // ~TARGET=_top: the cart leaves the frame and replaces the portal page.
      await page.waitForURL(`https://buyer.test/receive/${flow}`)
    }
  }

  async function run(t: Tap, context: BrowserContext, mode: Mode, protocol: Protocol) {
    const flow = `${protocol}-${mode.replace(/\W+/g, '-')}`
    const url = await punchoutUrl(protocol, flow)
    const page = await context.newPage()
    if (mode === 'top level') {
      await page.goto(url)
      await shopAndReturn(t, page, page, flow, protocol)
    } else {
      await page.goto(`https://buyer.test/portal?src=${encodeURIComponent(url)}`)
      await shopAndReturn(t, page, page.frameLocator('#punchout'), flow, protocol)
    }
    await page.close()
  }

  t.test('third-party cookies blocked: the control cookie is refused, the punchout works framed and at top level', async (t) => {
    const context = await browser('blocked', 'block')
    t.teardown(() => context.close())
    t.equal(await front.controlCookieKept(context), false, 'the profile blocks third-party cookies')
    for (const protocol of ['cxml', 'oci'] as const) {
      await run(t, context, 'frame, third-party cookies blocked', protocol)
      await run(t, context, 'top level', protocol)
    }
  })

  t.test('third-party cookies allowed: the control cookie is kept, the punchout works framed', async (t) => {
    const context = await browser('allowed', 'allow')
    t.teardown(() => context.close())
    t.equal(await front.controlCookieKept(context), true, 'the profile allows third-party cookies')
    for (const protocol of ['cxml', 'oci'] as const) await run(t, context, 'frame, third-party cookies allowed', protocol)
  })

  t.test('a browser that keeps no storefront cookie in the frame is told so and continues in a new window', async (t) => {
    const context = await browser('no-cookies-in-frame', 'block')
    t.teardown(() => context.close())
    front.dropCookiesInFrames(true)
    t.teardown(() => front.dropCookiesInFrames(false))
    const flow = 'cxml-new-window'
    const page = await context.newPage()
    await page.goto(`https://buyer.test/portal?src=${encodeURIComponent(await punchoutUrl('cxml', flow))}`)
    const frame = page.frameLocator('#punchout')
    await frame.locator('h1', { hasText: 'Your browser blocked the storefront in this window' }).waitFor({ timeout: 15_000 })
    const [window] = await Promise.all([context.waitForEvent('page'), frame.locator('#continue-in-new-window').click()])
    await shopAndReturn(t, window, window, flow, 'cxml')
    const types = (await db.orm.em.fork().find(SessionEvent, { type: { $like: 'storefront.%' } })).map((e) => e.type)
    t.ok(types.includes('storefront.session_not_kept'), 'the timeline records the blocked frame')
    t.ok(types.includes('storefront.continued_in_new_window'), 'and the new window')
  })
})

interface TlsFront {
  port: number
  spki: string
  received(flow: string): Promise<string>
  controlCookieKept(context: BrowserContext): Promise<boolean>
  /** Drops gw.test's Set-Cookie in frames: a browser that keeps no cookie there, partitioned or not. */
  dropCookiesInFrames(drop: boolean): void
  close(): Promise<void>
}

/**
 * One TLS server for both sites: gw.test is proxied to the gateway (plus a control-cookie pair
 * of paths), buyer.test is the portal that frames the punchout and receives carts.
 */
async function tlsFront(gatewayPort: number): Promise<TlsFront> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const dir = mkdtempSync(path.join(tmpdir(), 'punchgate-tls-'))
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  writeFileSync(path.join(dir, 'key.pem'), keyPem)
  execFileSync('openssl', ['req', '-x509', '-new', '-key', path.join(dir, 'key.pem'), '-subj', '/CN=gw.test', '-addext', 'subjectAltName=DNS:gw.test,DNS:buyer.test', '-days', '2', '-out', path.join(dir, 'cert.pem')])
  const cert = execFileSync('cat', [path.join(dir, 'cert.pem')]).toString()
  rmSync(dir, { recursive: true, force: true })
  const spki = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64')

  const carts = new Map<string, string>()
  const waiting = new Map<string, (body: string) => void>()
  let controlSeen: boolean | undefined
  let dropFramedCookies = false
  const server = https.createServer({ key: keyPem, cert }, (req, res) => {
    const host = (req.headers.host ?? '').split(':')[0]
    const url = new URL(req.url ?? '/', `https://${host}`)
    if (host === 'gw.test' && url.pathname === '/__control/set') {
      res.writeHead(200, { 'set-cookie': 'control=1; Path=/; Secure; SameSite=None', 'content-type': 'text/html' }).end('set')
    } else if (host === 'gw.test' && url.pathname === '/__control/check') {
      controlSeen = /(^|;\s*)control=1/.test(req.headers.cookie ?? '')
      res.writeHead(200, { 'content-type': 'text/html' }).end(String(controlSeen))
    } else if (host === 'gw.test') {
      const upstream = http.request({ host: '127.0.0.1', port: gatewayPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const framed = req.headers['sec-fetch-dest'] === 'iframe'
        const headers = up.rawHeaders.filter((_, i, all) => !(dropFramedCookies && framed && all[i - (i % 2)]!.toLowerCase() === 'set-cookie'))
        res.writeHead(up.statusCode ?? 502, headers)
        up.pipe(res)
      })
      req.pipe(upstream)
    } else if (url.pathname === '/portal') {
      const src = url.searchParams.get('src') ?? ''
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Buyer portal</title><h1>Buyer portal</h1><iframe id="punchout" src="${src.replace(/"/g, '&quot;')}" width="1000" height="700"></iframe>`)
    } else if (url.pathname.startsWith('/receive/')) {
      const flow = url.pathname.slice('/receive/'.length)
      let body = ''
      req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
        const text = decodeURIComponent(body.replace(/\+/g, ' '))
        carts.set(flow, text)
        waiting.get(flow)?.(text)
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Cart received</h1>')
      })
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    spki,
    received: (flow) =>
      carts.has(flow)
        ? Promise.resolve(carts.get(flow)!)
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no cart for ${flow} within 15 s`)), 15_000)
            waiting.set(flow, (body) => {
              clearTimeout(timer)
              resolve(body)
            })
          }),
    async controlCookieKept(context) {
      const page = await context.newPage()
      await page.goto(`https://buyer.test/portal?src=${encodeURIComponent('https://gw.test/__control/set')}`)
      await page.frameLocator('#punchout').locator('body', { hasText: 'set' }).waitFor()
      await page.goto(`https://buyer.test/portal?src=${encodeURIComponent('https://gw.test/__control/check')}`)
      await page.frameLocator('#punchout').locator('body', { hasText: /true|false/ }).waitFor()
      await page.close()
      return controlSeen === true
    },
    dropCookiesInFrames(drop) {
      dropFramedCookies = drop
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

async function launch(userDataDir: string, front: TlsFront, thirdPartyCookies: 'allow' | 'block'): Promise<BrowserContext> {
  mkdirSync(path.join(userDataDir, 'Default'), { recursive: true })
  const block = thirdPartyCookies === 'block'
  writeFileSync(path.join(userDataDir, 'Default', 'Preferences'), JSON.stringify({
    profile: { cookie_controls_mode: block ? 1 : 0, block_third_party_cookies: block },
  }))
  const { chromium } = await import('playwright-core')
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
      `--host-resolver-rules=MAP gw.test 127.0.0.1:${front.port}, MAP buyer.test 127.0.0.1:${front.port}`,
      `--ignore-certificate-errors-spki-list=${front.spki}`,
    ],
  })
}
