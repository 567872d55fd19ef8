import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config/index.ts'
import { buildApp } from '../../src/http/app.ts'
import { acquireDataDirLock } from '../../src/persistence/data-dir-lock.ts'
import { Customer } from '../../src/persistence/entities/index.ts'
import { createCustomer } from '../helpers/fixtures.ts'
import pino from 'pino'

const config = (dataDir: string) =>
  loadConfig({ DATA_DIR: dataDir, PUNCHGATE_ADMIN_TOKEN: 'test-admin-token-0123456789abcdef', PUBLIC_URL: 'https://gateway.test' })

t.test('G6 pglite-second-process: the embedded database keeps its data across a restart and refuses a second process', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-data-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const first = await buildApp(config(dataDir), { loggerInstance: pino({ level: 'silent' }) })
  const created = await createCustomer(first.app, { slug: 'survivor' })
  t.throws(() => acquireDataDirLock(dataDir), { message: /in use by another Punchgate process/ }, 'the data folder is locked while in use')
  const jwks = (await first.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
  await first.app.close()

  const second = await buildApp(config(dataDir), { loggerInstance: pino({ level: 'silent' }) })
  t.teardown(() => second.app.close())
  const found = await second.db.orm.em.fork().findOne(Customer, { slug: 'survivor' })
  t.equal(found?.id, created.id)
  t.same((await second.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json(), jwks, 'the signing key survives too')
})
