/**
 * `pglite-disk-full`: the embedded database's DATA_DIR fills up (docs/operations.md, "When the
 * database is unavailable"). DATA_DIR lives on a small tmpfs of the test's own, filled with a
 * ballast file until 64 KiB are left, so PGlite meets a real ENOSPC. Writes are then answered 503
 * (retryable, PG_ERR_UNAVAILABLE) while the gateway keeps running and answering; once the ballast is removed, writes succeed again without a
 * restart; and the directory still opens afterwards, with every acknowledged setup in it.
 * Mounting needs root (CAP_SYS_ADMIN); elsewhere the test is skipped with that reason.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, rmdirSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/index.ts'
import { buildApp, type App } from '../../src/http/app.ts'
import { ADMIN_TOKEN, PUBLIC_URL, usingPostgres } from '../helpers/app.ts'
import { toPunchgateError } from '../../src/http/error-mapper.ts'
import { addCredential, createCustomer, cxmlAnswer, postCxml, setupRequest } from '../helpers/fixtures.ts'

const mountPoint = mkdtempSync(path.join(tmpdir(), 'punchgate-full-'))
let skip: string | false = usingPostgres() && 'the embedded database only: runs with the embedded suite'
if (!skip) {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', mountPoint], { stdio: 'pipe' })
  } catch (err) {
    skip = `cannot mount a small tmpfs here (needs root): ${String((err as { stderr?: Buffer }).stderr ?? err).trim().slice(0, 200)}`
  }
}
t.teardown(() => {
  if (!skip) execFileSync('umount', ['-l', mountPoint])
  rmdirSync(mountPoint)
})

const dataDir = path.join(mountPoint, 'data')
const ballast = path.join(mountPoint, 'ballast')

const open = (): Promise<App> => buildApp(loadConfig({
  PUBLIC_URL, DATA_DIR: dataDir, LOG_LEVEL: 'silent', PUNCHGATE_ADMIN_TOKEN: ADMIN_TOKEN,
  PUNCHGATE_SECRET_KEY: 'test-secret-key-0123456789abcdef-0123456789', RATE_LIMITS: 'off',
}))

/** 200 kB of random text: PostgreSQL's compression of large values cannot shrink it. */
const incompressible = () => randomBytes(150_000).toString('base64')

/** Fills the filesystem until `leaveKiB` are free. */
function fill(leaveKiB: number): void {
  const fs = statfsSync(mountPoint)
  const free = fs.bavail * fs.bsize
  execFileSync('fallocate', ['-l', String(Math.max(0, free - leaveKiB * 1024)), ballast])
}

const setup = (app: App['app'], n: string, comment = '') =>
  postCxml(app, setupRequest({ payloadID: `${n}@buyer`, extrinsics: [['UserEmail', `${n}@buyer.example.com`], ['UniqueName', n], ['Comment', comment]] }))

t.test('a full disk (SQLSTATE 53100) is the retryable PG_ERR_UNAVAILABLE wherever it surfaces, not a 500', async (t) => {
  const err = Object.assign(new Error('could not extend file "base/1/16463": No space left on device'), { code: '53100' })
  t.equal(toPunchgateError(err).code, 'PG_ERR_UNAVAILABLE', 'mapped to the retryable 503')
})

t.test('G7 pglite-disk-full: a full DATA_DIR fails writes with 503, and they recover when space returns', { skip }, async (t) => {
  let gateway = await open()
  t.teardown(() => gateway.app.close())
  const { app } = gateway
  const customer = await createCustomer(app)
  await addCredential(app, customer.id, { protocol: 'cxml', domain: 'NetworkID', identity: 'AN-BUYER-1', sharedSecret: 's3cret-shared' })
  const before = await setup(app, 'before-full')
  t.equal(before.statusCode, 200, 'a setup before the disk fills')
  const startPath = new URL(cxmlAnswer(before.body).startPage!).pathname

  fill(64)
  // Small rows still fit into pages the tables already have; large request bodies that do not
  // compress need new ones in the journal, which the full disk refuses ("could not extend file").
  const refused = []
  for (let i = 0; i < 6; i++) refused.push(await setup(app, `while-full-${i}`, incompressible()))
  t.same(refused.map((r) => r.statusCode), [503, 503, 503, 503, 503, 503], 'setups on a full disk are answered 503')
  t.ok(refused.every((r) => cxmlAnswer(r.body).code === 503 && r.headers['retry-after'] === '5'), '… as a retryable cXML Status with Retry-After')
  t.match(cxmlAnswer(refused[0]!.body).detail, /PG_ERR_UNAVAILABLE/, '… naming PG_ERR_UNAVAILABLE')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the gateway keeps running')

  rmSync(ballast)
  const after = await setup(app, 'after-full', incompressible())
  t.equal(after.statusCode, 200, 'with space back, setups succeed without a restart')
  const started = await app.inject({ method: 'GET', url: startPath })
  t.equal(started.statusCode, 302, 'a start link minted before the disk filled still works')

  await gateway.app.close()
  gateway = await open()
  const rows = await gateway.db.orm.em.fork().getConnection().execute<Array<{ payload_id: string }>>(
    "select payload_id from journal_entries where channel = 'cxml' and outcome = 'ok' order by id")
  t.same(rows.map((r) => r.payload_id), ['before-full@buyer', 'after-full@buyer'], 'the directory reopens with every acknowledged setup and nothing refused')
})
