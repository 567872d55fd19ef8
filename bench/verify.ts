/**
 * Before anything is timed: one of each request, checked for the answer a real client needs.
 * A bench that measures fast 401s or 500s is worse than none.
 */
import { KNOWN_BUYER, ociPath, orderBody, setupBody, startTokenOf } from './fixture.ts'
import { sidOfRedirect, type BenchContext } from './scenarios.ts'

export async function verifyAnswers(ctx: BenchContext): Promise<void> {
  const { gateway, floor, fx } = ctx
  const xml = { 'content-type': 'text/xml; charset=utf-8' }
  const fail = (what: string, status: number, detail: string) => {
    throw new Error(`verification failed: ${what} answered ${status}: ${detail.slice(0, 600)}`)
  }

  const setup = await fetch(`${gateway.url}/punchout/cxml`, { method: 'POST', headers: xml, body: setupBody(fx, KNOWN_BUYER) })
  const setupText = await setup.text()
  const token = startTokenOf(setupText)
  if (setup.status !== 200 || !token || !setupText.includes('<StartPage>')) fail('cXML setup (expected 200 with a StartPage URL)', setup.status, setupText)

  const start = await fetch(`${gateway.url}/punchout/start/${token}`, { redirect: 'manual' })
  const sid = sidOfRedirect(start.headers.get('location'))
  if (start.status !== 302 || !sid) fail('start link (expected 302 to the storefront with an assertion)', start.status, await start.text())
  await start.body?.cancel()

  const cart = await fetch(`${gateway.url}/punchout/sessions/${sid}/cart`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.storefrontToken}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ items: [{ sku: 'V-1', quantity: 1, unitPrice: 1.5, currency: 'EUR', description: 'Verification', unitOfMeasure: 'EA' }] }),
  })
  const cartText = await cart.text()
  if (cart.status !== 200 || actionOf(cartText) !== fx.returnUrl) {
    fail(`cart return (expected 200 with action ${fx.returnUrl})`, cart.status, cartText)
  }

  const oci = await fetch(`${gateway.url}${ociPath(fx)}`, { redirect: 'manual' })
  if (oci.status !== 303 || !oci.headers.get('location')?.includes('/punchout/start/')) {
    fail('OCI login (expected 303 to a start link)', oci.status, await oci.text())
  }
  await oci.body?.cancel()

  const order = await fetch(`${gateway.url}/punchout/cxml`, { method: 'POST', headers: xml, body: orderBody(fx, `verify.${ctx.runId}`) })
  const orderText = await order.text()
  if (order.status !== 200 || !/<Status code="200"/.test(orderText)) fail('OrderRequest (expected cXML 200)', order.status, orderText)

  const floorPost = await fetch(`${floor.url}/cxml`, { method: 'POST', headers: xml, body: setupBody(fx, KNOWN_BUYER) })
  if (floorPost.status !== 200 || !startTokenOf(await floorPost.text())) fail('floor POST', floorPost.status, '')
  const floorGet = await fetch(`${floor.url}/start/verify`, { redirect: 'manual' })
  if (floorGet.status !== 302) fail('floor GET', floorGet.status, await floorGet.text())
  await floorGet.body?.cancel()
}

function actionOf(json: string): string | undefined {
  try {
    return (JSON.parse(json) as { action?: string }).action
  } catch {
    return undefined
  }
}
