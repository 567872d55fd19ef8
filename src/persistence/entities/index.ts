import { AgentAccountSchema } from './agent-account.ts'
import { ApiTokenSchema } from './api-token.ts'
import { AuditEntrySchema } from './audit-entry.ts'
import { BuyerUserSchema } from './buyer-user.ts'
import { CartSchema } from './cart.ts'
import { ContractPriceSchema, ProductSchema, ShopCartLineSchema } from './catalog.ts'
import { CredentialSchema } from './credential.ts'
import { CustomerRoleSchema } from './customer-role.ts'
import { CustomerSchema } from './customer.ts'
import { JournalEntrySchema } from './journal-entry.ts'
import { OrderAttachmentSchema } from './order-attachment.ts'
import { OrderLineSchema, OrderSchema } from './order.ts'
import { OutboxMessageSchema } from './outbox-message.ts'
import { PreparedCartSchema } from './prepared-cart.ts'
import { PunchoutSessionSchema } from './punchout-session.ts'
import { SessionEventSchema } from './session-event.ts'
import { ShopKeptLineSchema } from './shop-kept-line.ts'
import { SigningKeySchema } from './signing-key.ts'
import { SingleUseKeySchema } from './single-use-key.ts'

export const entities = [
  CustomerSchema,
  CredentialSchema,
  BuyerUserSchema,
  CustomerRoleSchema,
  PunchoutSessionSchema,
  SessionEventSchema,
  JournalEntrySchema,
  CartSchema,
  ApiTokenSchema,
  AuditEntrySchema,
  SigningKeySchema,
  ProductSchema,
  ContractPriceSchema,
  ShopCartLineSchema,
  ShopKeptLineSchema,
  SingleUseKeySchema,
  AgentAccountSchema,
  OrderSchema,
  OrderLineSchema,
  OrderAttachmentSchema,
  OutboxMessageSchema,
  PreparedCartSchema,
]

export * from './agent-account.ts'
export * from './api-token.ts'
export * from './audit-entry.ts'
export * from './buyer-user.ts'
export * from './cart.ts'
export * from './catalog.ts'
export * from './credential.ts'
export * from './customer-role.ts'
export * from './customer.ts'
export * from './journal-entry.ts'
export * from './order-attachment.ts'
export * from './order.ts'
export * from './outbox-message.ts'
export * from './prepared-cart.ts'
export * from './punchout-session.ts'
export * from './session-event.ts'
export * from './shop-kept-line.ts'
export * from './signing-key.ts'
export * from './single-use-key.ts'
