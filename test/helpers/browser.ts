import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import type { TestLike } from './app.ts'
import { stop, waitForBanner } from './server.ts'

/**
 * What the browser tests share: a demo gateway started as `npm start` starts it (its own
 * DATA_DIR, a random port, the banner's admin token), and Debian's Chromium driven through
 * playwright-core with the flags this machine needs, saving full-page screenshots to test/artifacts/.
 */
export const CHROMIUM = '/usr/bin/chromium'
const ROOT = path.resolve(import.meta.dirname, '../..')
const ARTIFACTS = path.join(ROOT, 'test/artifacts')

// CI installs Chromium (.ci/run); a developer machine without it skips, saying so.
export const skipWithoutChromium = existsSync(CHROMIUM) ? false : `browser test needs ${CHROMIUM} (apt-get install -y chromium)`

/**
 * A browser test on a spawned demo gateway runs once, in the embedded suite: the gateway it starts
 * is embedded whichever database the suite uses, so the PostgreSQL suite would repeat it unchanged.
 */
export const skipDemoBrowserTest = process.env.TEST_DATABASE_URL
  ? 'runs in the embedded suite: the demo gateway it starts is embedded whatever the suite'
  : skipWithoutChromium

export interface DemoGateway {
  base: string
  /** An admin API call with the banner's token; throws on a non-2xx answer. */
  api(method: string, url: string, body?: unknown): Promise<{ id: string }>
  /** A cXML document posted to /punchout/cxml; the answer's text. */
  postCxml(xml: string): Promise<string>
}

export async function startDemoGateway(t: TestLike, name: string, env: Record<string, string> = {}): Promise<DemoGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `punchgate-${name}-e2e-`))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const base = `http://127.0.0.1:${port}`
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts', '--demo'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', PUNCHGATE_ADMIN_TOKEN: '', PUNCHGATE_STOREFRONT_TOKEN: '', DATABASE_URL: '', PUBLIC_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => stop(server).then(() => rmSync(dataDir, { recursive: true, force: true })))
  const adminToken = /Admin API token:\s+(\S+)/.exec(await waitForBanner(server))![1]!
  return {
    base,
    async api(method, url, body) {
      const res = await fetch(`${base}${url}`, {
        method, headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
      })
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`)
      return res.json() as Promise<{ id: string }>
    },
    postCxml: (xml) => fetch(`${base}/punchout/cxml`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml }).then((r) => r.text()),
  }
}

export interface BrowserPage {
  page: Page
  /** Console errors and uncaught page errors seen so far. */
  errors: string[]
  /** Saves test/artifacts/<prefix>-<nn>-<name>.png. */
  screenshot(name: string): Promise<Buffer>
}

/** A fresh Chromium profile and one page in it, closed (and the profile removed) at teardown. */
export async function openBrowser(t: TestLike, prefix: string): Promise<BrowserPage> {
  const { chromium } = await import('playwright-core')
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(async () => {
    await context.close()
    rmSync(userDataDir, { recursive: true, force: true })
  })
  mkdirSync(ARTIFACTS, { recursive: true })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  page.on('pageerror', (e) => errors.push(e.message))
  let shot = 0
  const screenshot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true })
  return { page, errors, screenshot }
}
