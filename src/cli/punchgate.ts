import { ConfigError, loadConfig } from '../config/index.ts'
import { isPunchgateError } from '../errors/index.ts'
import { openDatabase } from '../persistence/database.ts'
import { AGENT_USAGE, createAgentFromCli, parseAgentCommand, PASSWORD_ENV, readPassword, UsageError } from './agent.ts'
import { RETENTION_USAGE, retentionCommand } from './retention.ts'

/**
 * The operator's command line: `node --import tsx src/cli/punchgate.ts agent create …`
 * (docs/operations.md, "Agent accounts") and `… retention run` ("Retention"). It opens the
 * configured database like the gateway does (migrating it first), so the embedded database must
 * not be open in a running gateway.
 */
async function main(argv: readonly string[]): Promise<number> {
  try {
    if (argv[0] === 'retention') return await retentionCommand(argv)
    const command = parseAgentCommand(argv)
    const config = loadConfig()
    // A password typed at a terminal would be echoed: read it with `read -s` into the variable instead.
    if (!process.env[PASSWORD_ENV] && process.stdin.isTTY) throw new UsageError(`set ${PASSWORD_ENV} or pipe the password on standard input`)
    const password = await readPassword(process.env, process.stdin)
    if (!password) throw new UsageError(`no password: set ${PASSWORD_ENV} or pipe it on standard input`)
    const db = await openDatabase(config)
    try {
      const agent = await createAgentFromCli(db.orm.em.fork(), command, password, new Date())
      process.stdout.write(`Created ${agent.role} agent ${agent.email} (${agent.id}).\n`)
      return 0
    } finally {
      await db.close()
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${AGENT_USAGE}\n${RETENTION_USAGE}\n`)
      return 2
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      return 2
    }
    process.stderr.write(`punchgate: ${isPunchgateError(err) ? err.message : err instanceof Error ? err.message : String(err)}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
