import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/** received → authenticated → provisioned → started → cart_returned → ordered; or failed / expired. */
export type SessionStatus = 'provisioned' | 'started' | 'cart_returned' | 'ordered' | 'failed' | 'expired'

/** What the cart return needs to answer the buyer system in its own protocol. */
export interface SessionProtocolContext {
  /** cXML: the buyer's From credentials (become To on the PunchOutOrderMessage). */
  buyerCredentials?: Array<{ domain: string; identity: string }>
  /** cXML: the supplier-side To credentials (become From). */
  supplierCredentials?: Array<{ domain: string; identity: string }>
  /** OCI: echoed on the cart post (docs/oci.md, "Buyer-system quirks"); searchString opens the storefront on a search (FUNCTION=SOURCING). */
  oci?: { version?: string; okCode?: string; target?: string; caller?: string; function?: string; xml?: boolean; searchString?: string }
}

export interface SessionGrant {
  roles: Array<{ name: string; status: 'mapped' | 'pending' | 'default' }>
  permissions: string[]
  spendLimit: string | null
}

export class PunchoutSession {
  id!: string
  customerId!: string
  userId?: string | null
  protocol!: 'cxml' | 'oci'
  operation!: 'create' | 'edit' | 'inspect' | 'source'
  status!: SessionStatus
  failureCode?: string | null
  failureText?: string | null
  buyerCookie?: string | null
  returnUrl?: string | null
  payloadId?: string | null
  deploymentMode!: 'production' | 'test'
  startTokenHash?: string | null
  startExpiresAt?: Date | null
  startedAt?: Date | null
  cartReturnedAt?: Date | null
  /** ItemOut lines of an edit/inspect request, restored into the storefront cart. */
  restoredItems!: unknown[]
  /** Selected product of a level-2 punchout (SelectedItem / OCI DETAIL). */
  selectedSku?: string | null
  protocolContext!: SessionProtocolContext
  /** Roles and permissions resolved at setup; carried in the identity assertion. */
  grant!: SessionGrant
  /** e.g. 'unidentified-buyer', 'start-link-reused'. */
  flags!: string[]
  /** The session this one replays (docs/api.md, "Replay"); null for a buyer's own punchout. */
  replayOf?: string | null
  /** Order on behalf (docs/api.md, "Order on behalf"): the agent acting as the buyer, why, and the end of the time box. */
  onBehalfAgent?: string | null
  onBehalfReason?: string | null
  onBehalfExpiresAt?: Date | null
  /** The cart an agent prepared for the buyer, restored into this session (PreparedCart). */
  preparedCartId?: string | null
  createdAt!: Date
  updatedAt!: Date
}

export const PunchoutSessionSchema = new EntitySchema<PunchoutSession>({
  class: PunchoutSession,
  tableName: 'punchout_sessions',
  // Support's lists, newest first by (createdAt, id): Migration20261130000100_journal_search.
  indexes: [
    { properties: ['createdAt', 'id'] },
    { properties: ['customerId', 'createdAt', 'id'] },
    { properties: ['status', 'createdAt', 'id'] },
    { properties: ['userId', 'createdAt', 'id'] },
    { properties: ['payloadId'] },
    { name: 'punchout_sessions_failure_code_index', expression: 'create index if not exists "punchout_sessions_failure_code_index" on "punchout_sessions" ("failure_code", "created_at", "id") where "failure_code" is not null' },
    { name: 'punchout_sessions_failed_index', expression: `create index if not exists "punchout_sessions_failed_index" on "punchout_sessions" ("customer_id", "created_at", "id") where "status" = 'failed'` },
    { name: 'punchout_sessions_replay_of_index', expression: 'create index if not exists "punchout_sessions_replay_of_index" on "punchout_sessions" ("replay_of") where "replay_of" is not null' },
    { name: 'punchout_sessions_buyer_cookie_index', expression: 'create index if not exists "punchout_sessions_buyer_cookie_index" on "punchout_sessions" using hash ("buyer_cookie")' },
  ],
  properties: {
    id: { type: 'uuid', primary: true },
    customerId: foreignKey({ entity: 'Customer', column: 'customer_id', onDelete: 'no action' }),
    userId: foreignKey({ entity: 'BuyerUser', column: 'user_id', onDelete: 'no action', nullable: true }),
    protocol: { type: 'string', length: 10 },
    operation: { type: 'string', length: 10 },
    status: { type: 'string', length: 20 },
    failureCode: { type: 'string', length: 60, nullable: true },
    failureText: { type: 'text', nullable: true },
    buyerCookie: { type: 'text', nullable: true },
    returnUrl: { type: 'text', nullable: true },
    payloadId: { type: 'string', length: 400, nullable: true },
    deploymentMode: { type: 'string', length: 20 },
    startTokenHash: { type: 'string', length: 64, nullable: true, unique: true },
    startExpiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    startedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    cartReturnedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    restoredItems: { type: 'json' },
    selectedSku: { type: 'string', length: 200, nullable: true },
    protocolContext: { type: 'json' },
    grant: { type: 'json' },
    flags: { type: 'json' },
    replayOf: foreignKey({ entity: 'PunchoutSession', column: 'replay_of', onDelete: 'no action', nullable: true }),
    onBehalfAgent: { type: 'string', length: 200, nullable: true },
    onBehalfReason: { type: 'text', nullable: true },
    onBehalfExpiresAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    preparedCartId: { type: 'uuid', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
  },
})
