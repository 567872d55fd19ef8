import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { createAgentFromCli, parseAgentCommand, readPassword } from '../../src/cli/agent.ts'
import { loadConfig } from '../../src/config/index.ts'
import { authenticateAgent } from '../../src/domain/accounts/agents.ts'
import { openDatabase } from '../../src/persistence/database.ts'
import { AuditEntry } from '../../src/persistence/entities/index.ts'
import { buildTestApp } from '../helpers/app.ts'

/** `punchgate agent create` (docs/operations.md, "Agent accounts"): the first admin of a fresh installation. */
const PASSWORD = 'first admin passphrase'

t.test('parses the command line; mistakes are usage errors', async (t) => {
  t.same(parseAgentCommand(['agent', 'create', '--email', 'ana@supplier.example', '--name', 'Ana', '--role', 'admin']), {
    email: 'ana@supplier.example', name: 'Ana', role: 'admin', customerIds: null,
  })
  t.match(parseAgentCommand(['agent', 'create', '--email', 'e@x.example', '--name', 'E', '--role', 'support', '--customers', 'a, b', '--reason', 'onboarding']), {
    customerIds: ['a', 'b'], reason: 'onboarding',
  })
  for (const argv of [[], ['agent'], ['agent', 'delete'], ['agent', 'create', '--name', 'A', '--role', 'admin'], ['agent', 'create', '--email', 'a@x.example', '--name', 'A', '--role', 'root'], ['agent', 'create', '--password', 'x']]) {
    t.throws(() => parseAgentCommand(argv), { name: 'UsageError' }, argv.join(' '))
  }
})

t.test('reads the password from the environment, else the first line of standard input', async (t) => {
  t.equal(await readPassword({ PUNCHGATE_AGENT_PASSWORD: PASSWORD }, Readable.from(['ignored\n'])), PASSWORD)
  t.equal(await readPassword({}, Readable.from(['from stdin pass\r\n', 'second line\n'])), 'from stdin pass')
  t.equal(await readPassword({}, Readable.from([])), '')
})

t.test('creates an agent who can sign in, audited as the cli with the reason', async (t) => {
  const app = await buildTestApp(t)
  const em = () => app.db.orm.em.fork()
  const command = parseAgentCommand(['agent', 'create', '--email', 'First@Supplier.example', '--name', 'First Admin', '--role', 'admin', '--reason', 'installation'])
  const agent = await createAgentFromCli(em(), command, PASSWORD, app.clock.now)
  t.match(agent, { email: 'first@supplier.example', role: 'admin', customerIds: null, hasPassword: true })
  t.match(await authenticateAgent(em(), 'first@supplier.example', PASSWORD, app.clock.now), { actor: { name: 'agent:first@supplier.example', role: 'admin' } })
  t.match(await em().findOneOrFail(AuditEntry, { targetId: agent.id }), { action: 'agent.create', actor: 'cli', reason: 'installation' })
  const bad = parseAgentCommand(['agent', 'create', '--email', 'not-an-email', '--name', 'X', '--role', 'admin'])
  await t.rejects(createAgentFromCli(em(), bad, PASSWORD, app.clock.now), { name: 'UsageError' })
  await t.rejects(createAgentFromCli(em(), parseAgentCommand(['agent', 'create', '--email', 'x@supplier.example', '--name', 'X', '--role', 'admin']), 'short', app.clock.now), { name: 'UsageError' })
})

t.test('the real command, on an embedded database', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'punchgate-cli-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = { ...process.env, DATA_DIR: dataDir, PUNCHGATE_AGENT_PASSWORD: PASSWORD, DATABASE_URL: '' }
  const run = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/punchgate.ts', ...args], { env, cwd: path.resolve(import.meta.dirname, '../..') })
  const { stdout } = await run(['agent', 'create', '--email', 'ops@supplier.example', '--name', 'Ops', '--role', 'admin'])
  t.match(stdout, /^Created admin agent ops@supplier\.example \([0-9a-f-]{36}\)\.$/m)
  const usage = await run(['agent', 'create', '--email', 'ops@supplier.example']).catch((err: { code: number; stderr: string }) => err)
  t.match(usage, { code: 2, stderr: /usage: punchgate agent create/ })
  const duplicate = await run(['agent', 'create', '--email', 'OPS@supplier.example', '--name', 'Ops', '--role', 'admin']).catch((err: { code: number; stderr: string }) => err)
  t.match(duplicate, { code: 1, stderr: /already exists/ })
  const db = await openDatabase(loadConfig({ DATA_DIR: dataDir }))
  t.teardown(() => db.close())
  t.ok(await authenticateAgent(db.orm.em.fork(), 'ops@supplier.example', PASSWORD, new Date()))
})
