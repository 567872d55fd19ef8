import { EntitySchema } from '@mikro-orm/core'

/**
 * A person who signs in to the console: a support agent, an admin or an auditor. The e-mail is
 * stored lower-cased, so its unique constraint is case-insensitive. The password is kept only as
 * a scrypt hash that carries its own salt and parameters (src/domain/accounts/passwords.ts).
 */
export class AgentAccount {
  id!: string
  email!: string
  name!: string
  role!: 'admin' | 'support' | 'auditor'
  /** null until a password is set: such an account cannot sign in. */
  passwordHash?: string | null
  /** The customers the agent may see and act on; null: every customer. */
  customerIds?: string[] | null
  disabledAt?: Date | null
  createdAt!: Date
  updatedAt!: Date
  lastSignInAt?: Date | null
}

export const AgentAccountSchema = new EntitySchema<AgentAccount>({
  class: AgentAccount,
  tableName: 'agent_accounts',
  properties: {
    id: { type: 'uuid', primary: true },
    email: { type: 'string', length: 320, unique: true },
    name: { type: 'string', length: 200 },
    role: { type: 'string', length: 20 },
    passwordHash: { type: 'string', length: 200, nullable: true },
    customerIds: { type: 'json', nullable: true },
    disabledAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    lastSignInAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
})
