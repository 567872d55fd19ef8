import { parseArgs } from 'node:util'
import type { Readable } from 'node:stream'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { agentInputSchema } from '../../schemas/api/agents.ts'
import { createAgent, type AgentView } from '../domain/accounts/agents.ts'
import { AGENT_ROLES, type AgentRole } from '../domain/accounts/capabilities.ts'
import type { Actor } from '../domain/audit/audit.ts'

/**
 * `punchgate agent create`: the first admin agent of a fresh installation, before anyone can sign
 * in to create one (docs/operations.md, "Agent accounts"). The password comes from the
 * environment or standard input, never from the command line, where `ps` and shell history see it.
 */

export const AGENT_USAGE = `usage: punchgate agent create --email <email> --name <name> --role admin|support|auditor [--customers <id,id,...>] [--reason <text>]
The password is read from PUNCHGATE_AGENT_PASSWORD or, if that is unset, from the first line of standard input.`

export const PASSWORD_ENV = 'PUNCHGATE_AGENT_PASSWORD'

/** A mistake in the command line: the usage is printed, nothing is changed. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface AgentCreateCommand {
  email: string
  name: string
  role: AgentRole
  customerIds: string[] | null
  reason?: string
}

export function parseAgentCommand(argv: readonly string[]): AgentCreateCommand {
  const [noun, verb, ...rest] = argv
  if (noun !== 'agent' || verb !== 'create') throw new UsageError(`unknown command: ${argv.slice(0, 2).join(' ') || '(none)'}`)
  let values: Record<string, string | undefined>
  try {
    values = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, customers: { type: 'string' }, reason: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const { email, name, role, customers, reason } = values
  if (!email || !name || !role) throw new UsageError('--email, --name and --role are required')
  if (!(AGENT_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${AGENT_ROLES.join(', ')}`)
  return {
    email, name, role: role as AgentRole,
    customerIds: customers === undefined ? null : customers.split(',').map((id) => id.trim()).filter(Boolean),
    ...(reason ? { reason } : {}),
  }
}

/** The password: the environment variable if set, else the first line of `stdin`. */
export async function readPassword(env: Record<string, string | undefined>, stdin: Readable): Promise<string> {
  const fromEnv = env[PASSWORD_ENV]
  if (fromEnv) return fromEnv
  let text = ''
  for await (const chunk of stdin) {
    text += String(chunk)
    if (text.includes('\n')) break
  }
  return text.split(/\r?\n/)[0] ?? ''
}

/**
 * Creates the agent, checked like the API's POST /api/agents and audited as done by `cli` (whoever
 * can run it holds the database credentials anyway).
 */
export async function createAgentFromCli(em: SqlEntityManager, command: AgentCreateCommand, password: string, now: Date): Promise<AgentView> {
  const { reason, ...fields } = command
  const input = agentInputSchema.safeParse({ ...fields, password })
  if (!input.success) throw new UsageError(input.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '))
  const actor: Actor = { name: 'cli', role: 'admin', customerIds: null, ...(reason ? { reason } : {}) }
  return createAgent(em, actor, input.data, now)
}
