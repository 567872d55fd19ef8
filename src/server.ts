import { randomBytes } from 'node:crypto'
import { ConfigError, loadConfig, type Config } from './config/index.ts'
import { buildApp } from './http/app.ts'
import { seedDemo, type DemoCustomer } from './cli/demo.ts'

/**
 * Starts the gateway. `--demo` (what `npm start` runs) also seeds the demo customer and prints
 * its credentials, an admin token and a ready-to-paste setup request.
 */
async function main(): Promise<void> {
  const demo = process.argv.includes('--demo')
  let config: Readonly<Config>
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  if (demo && !config.adminToken) {
    config = Object.freeze({ ...config, adminToken: `pg_admin_${randomBytes(24).toString('base64url')}` })
  }
  const { app, deps, db, metricsListener } = await buildApp(config, { demo })
  const seeded = demo ? await seedDemo(deps, db.orm.em.fork()) : undefined
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void close('SIGINT'))
  process.once('SIGTERM', () => void close('SIGTERM'))
  // First, so that a taken metrics port stops start-up before the gateway takes traffic.
  if (metricsListener) await metricsListener.listen({ port: config.metricsPort, host: config.metricsHost })
  await app.listen({ port: config.port, host: config.host })
  if (seeded) process.stdout.write(demoBanner(config, seeded))
}

function demoBanner(config: Readonly<Config>, demo: DemoCustomer): string {
  const url = config.publicUrl
  const setup = `<?xml version="1.0" encoding="UTF-8"?>
<cXML payloadID="demo-$(date +%s)@buyer.example" timestamp="2026-11-23T10:00:00+00:00">
<Header><From><Credential domain="${demo.cxml.domain}"><Identity>${demo.cxml.identity}</Identity></Credential></From>
<To><Credential domain="DUNS"><Identity>punchgate-demo</Identity></Credential></To>
<Sender><Credential domain="${demo.cxml.domain}"><Identity>${demo.cxml.identity}</Identity><SharedSecret>${demo.cxml.sharedSecret}</SharedSecret></Credential><UserAgent>curl</UserAgent></Sender></Header>
<Request><PunchOutSetupRequest operation="create"><BuyerCookie>demo-cookie-1</BuyerCookie>
<Extrinsic name="UserEmail">jane.buyer@acme.example</Extrinsic><Extrinsic name="UniqueName">jane.buyer</Extrinsic>
<Extrinsic name="FirstName">Jane</Extrinsic><Extrinsic name="LastName">Buyer</Extrinsic><Extrinsic name="Role">buyer</Extrinsic>
<BrowserFormPost><URL>${url}/demo/procurement/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>`
  const oci = new URL(`${url}/punchout/oci`)
  oci.search = new URLSearchParams({
    USERNAME: demo.oci.username, PASSWORD: demo.oci.password, HOOK_URL: `${url}/demo/procurement/return`,
    OCI_VERSION: '4.0', '~OkCode': 'ADDI', '~TARGET': '_top', '~CALLER': 'CTLG',
    'SY-UNAME': 'MUELLER', USER_EMAIL: 'hans.mueller@acme.example', USER_NAME: 'Hans Müller',
  }).toString()
  return `
Punchgate is running at ${url} (embedded database: ${config.databaseUrl ? 'no, PostgreSQL' : config.dataDir}).

Demo customer: ${demo.customer.name}
  cXML credential  domain=${demo.cxml.domain} identity=${demo.cxml.identity} SharedSecret=${demo.cxml.sharedSecret}
  OCI credential   USERNAME=${demo.oci.username} PASSWORD=${demo.oci.password}
Admin API token:   ${config.adminToken}   (API docs: ${url}/docs)

Try a cXML punchout (paste into a shell, then open the StartPage URL it prints in a browser):

curl -s ${url}/punchout/cxml -H 'Content-Type: text/xml' --data-binary "$(cat <<XML
${setup}
XML
)" | sed -n 's:.*<URL>\\(.*\\)</URL>.*:\\1:p'

OCI punchout (open in a browser):
${oci.href}

`
}

main().catch((err) => {
  process.stderr.write(`Punchgate failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
