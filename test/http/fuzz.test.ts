/**
 * Property tests over the gateway's untrusted inputs: real cXML setups and OrderRequests and the
 * real OCI login, mutated structure-aware (test/helpers/mutations.ts) and sent through the public
 * surface. Whatever arrives, the gateway answers below 500, logs no error (an error line is an
 * exception that escaped a handler), and journals the request (docs/operations.md, "Logs and the
 * journal"). A fixed seed and budget keep CI repeatable; FUZZ_RUNS and FUZZ_SEED run it longer or
 * elsewhere. A failure prints its seed and path (FUZZ_SEED and FUZZ_PATH replay exactly it) and
 * writes the input to a file whose name it prints.
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import { buildTestApp, type TestApp } from '../helpers/app.ts'
import { addCredential, createCustomer, fixture, setupRequest } from '../helpers/fixtures.ts'
import { mutatedOci, mutatedXml, type OciCall } from '../helpers/mutations.ts'
import { orderRequest } from '../helpers/orders.ts'
import { HOOK_URL, OCI_PASSWORD, OCI_USERNAME, loginParams } from './oci/oci-helpers.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20261130)
/** Sized for about 20–30 s per database on a shared 2-core machine. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200)
// Longer runs (FUZZ_RUNS) need more than the suite's 300 s per file: up to a second per input.
t.setTimeout(Math.max(300_000, RUNS * 3 * 1000))

/** Real documents, each from a customer configured with the credential it carries. */
const CXML_SEEDS = [
  { file: 'coupa-setup-create-extrinsics-rubytime-timestamp.xml', credential: ['DUNS', 'coupa-t', 'test'], hosts: ['qa.coupahost.com'] },
  { file: 'equallevel-setup-create-grainger-many-user-extrinsics.xml', credential: ['NetworkId', '080230982', '805422672'], hosts: ['localhost:3000'] },
  { file: 'generic-setup-edit-shape-selecteditem-itemout.xml', credential: ['NetworkId', 'inbound@prominate-platform.com', 's3cr3t'], hosts: ['prominate-platform.com'] },
  { file: 'generic-orderrequest-new-deploymenttest-multi-item.xml', credential: ['NetworkId', 'inbound@prominate-platform.com', 'coyote'], hosts: [] },
  { file: 'coupa-orderrequest-new-1.2.014.xml', credential: ['NetworkID', 'kasdflkjasdf', 'alsdkfjalksdjflaksjdfklj'], hosts: [] },
] as const

async function configureCustomers(app: TestApp['app']): Promise<void> {
  const byIdentity = new Map<string, string>()
  for (const s of CXML_SEEDS) {
    const [domain, identity, sharedSecret] = s.credential
    let id = byIdentity.get(identity)
    if (!id) {
      id = (await createCustomer(app, { returnUrlHosts: s.hosts.length ? [...s.hosts] : ['buyer.example.com'], provisioning: { allowUnidentifiedBuyers: true } })).id
      byIdentity.set(identity, id)
    }
    await addCredential(app, id, { protocol: 'cxml', domain, identity, sharedSecret })
  }
  const synthetic = await createCustomer(app)
  await addCredential(app, synthetic.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const oci = await createCustomer(app, { identityProfile: 'sap-oci', returnUrlHosts: [new URL(HOOK_URL).host] })
  await addCredential(app, oci.id, { protocol: 'oci', username: OCI_USERNAME, password: OCI_PASSWORD })
}

interface Sent {
  method: 'GET' | 'POST'
  url: string
  contentType?: string
  body?: Buffer
}

/** Sends one request and says what, if anything, is wrong with how the gateway took it. */
async function violation({ app, db, logs }: TestApp, req: Sent, statuses: Map<number, number>): Promise<string | undefined> {
  const journaled = async () => {
    const rows = await db.orm.em.fork().getConnection().execute<Array<{ n: number }>>('select count(*)::int as n from journal_entries')
    return rows[0]!.n
  }
  const before = await journaled()
  const logsBefore = logs.length
  const res = await app.inject({ method: req.method, url: req.url, ...(req.contentType ? { headers: { 'content-type': req.contentType } } : {}), ...(req.body ? { payload: req.body } : {}) })
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
  const problems: string[] = []
  if (res.statusCode >= 500) problems.push(`answered ${res.statusCode}: ${res.body.slice(0, 500)}`)
  const errors = logs.slice(logsBefore).filter((line) => (JSON.parse(line) as { level: number }).level >= 50)
  if (errors.length) problems.push(`logged errors: ${errors.map((l) => l.slice(0, 600)).join('\n')}`)
  const added = (await journaled()) - before
  if (added !== 1) problems.push(`${added} journal rows for one answered request (status ${res.statusCode})`)
  return problems.length ? problems.join('\n') : undefined
}

/** Runs a property with the fixed budget; a failure names the seed, the path and the saved input. */
async function fuzz<T extends Sent>(t: Test, name: string, arb: fc.Arbitrary<T>, gateway: TestApp): Promise<void> {
  const statuses = new Map<number, number>()
  const details = await fc.check(
    fc.asyncProperty(arb, async (req) => {
      const problem = await violation(gateway, req, statuses)
      if (problem) throw new Error(problem)
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: false, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) },
  )
  if (!details.failed) {
    t.pass(`${details.numRuns} ${name} inputs, seed ${SEED}: none answered 5xx, logged an error, or went unjournaled (answers: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')})`)
    return
  }
  const [req] = details.counterexample ?? []
  const saved = path.join(tmpdir(), `punchgate-fuzz-${name}-${SEED}.bin`)
  if (req) writeFileSync(saved, req.body ?? req.url)
  t.fail(`${name}: seed ${SEED}, path ${details.counterexamplePath} — ${req?.method} ${req?.url.slice(0, 200)} (${req?.contentType ?? 'no type'}), body saved to ${saved}\n${String(details.errorInstance)}`)
}

t.test('fuzzing the untrusted inputs', async (t) => {
  const gateway = await buildTestApp(t)
  await configureCustomers(gateway.app)
  const setups = [...CXML_SEEDS.slice(0, 3).map((s) => fixture(`cxml/${s.file}`).toString('utf8')), setupRequest({ payloadID: 'fuzz-setup@buyer' })]
  const orders = [...CXML_SEEDS.slice(3).map((s) => fixture(`cxml/${s.file}`).toString('utf8')), orderRequest({ payloadID: 'fuzz-order@buyer', orderID: 'PO-FUZZ' })]
  const asCxml = (x: { body: Buffer; contentType: string }): Sent => ({ method: 'POST', url: '/punchout/cxml', contentType: x.contentType, body: x.body })

  await t.test('PunchOutSetupRequest', (t) => fuzz(t, 'setup', mutatedXml(setups).map(asCxml), gateway))
  await t.test('OrderRequest', (t) => fuzz(t, 'order', mutatedXml(orders).map(asCxml), gateway))
  await t.test('OCI login', (t) => fuzz<OciCall>(t, 'oci', mutatedOci([...loginParams().entries()]), gateway))
})
