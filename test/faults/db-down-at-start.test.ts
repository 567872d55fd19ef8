/**
 * Security plan G1 `db-down-at-start` (docs/security.md): a gateway whose PostgreSQL cannot be
 * reached never takes traffic — it exits non-zero with a message, before it listens, so no
 * half-started process answers anything. Runs in the PostgreSQL suite (it is about DATABASE_URL).
 */
import t from 'tap'
import { freePort, spawnNode } from '../../bench/processes.ts'
import { usingPostgres } from '../helpers/app.ts'

t.test('G1 db-down-at-start: with PostgreSQL unreachable the gateway exits non-zero and never listens', { skip: !usingPostgres() && 'PostgreSQL suite only (TEST_DATABASE_URL)' }, async (t) => {
  const [port, closedDbPort] = [await freePort(), await freePort()]
  const gateway = spawnNode('gateway', `http://127.0.0.1:${port}`, ['--import', 'tsx', 'src/server.ts'], {
    PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: 'https://punchout.test', LOG_LEVEL: 'warn',
    DATABASE_URL: `postgres://postgres@127.0.0.1:${closedDbPort}/punchgate`,
    PUNCHGATE_SECRET_KEY: 'db-down-secret-key-0123456789abcdef-012345', PUNCHGATE_ADMIN_TOKEN: 'db-down-admin-token-0123456789',
  })
  t.teardown(() => gateway.stop('SIGKILL'))
  let answered = 0
  const probe = setInterval(() => {
    fetch(`${gateway.url}/healthz`).then(() => answered++, () => undefined)
  }, 200)
  const code = await gateway.exited
  clearInterval(probe)
  t.not(code, 0, `exit code ${code}`)
  t.match(gateway.tail(), /Punchgate failed to start/)
  t.equal(answered, 0, 'nothing answered on its port while it tried')
})
