import type { MigrationObject } from '@mikro-orm/core'
import { Migration20261123000000_initial } from './Migration20261123000000_initial.ts'
import { Migration20261130000100_journal_search } from './Migration20261130000100_journal_search.ts'
import { Migration20261130000200_accounts } from './Migration20261130000200_accounts.ts'
import { Migration20261130000300_retention_metrics } from './Migration20261130000300_retention_metrics.ts'
import { Migration20261130000400_cart_fidelity } from './Migration20261130000400_cart_fidelity.ts'
import { Migration20261130000500_contract_prices } from './Migration20261130000500_contract_prices.ts'
import { Migration20261130000600_orders } from './Migration20261130000600_orders.ts'
import { Migration20261130000700_order_price_check } from './Migration20261130000700_order_price_check.ts'
import { Migration20261130001000_cart_checks } from './Migration20261130001000_cart_checks.ts'
import { Migration20261130001100_order_attachments } from './Migration20261130001100_order_attachments.ts'
import { Migration20261130001200_outbox } from './Migration20261130001200_outbox.ts'
import { Migration20261130001300_session_replay } from './Migration20261130001300_session_replay.ts'
import { Migration20261130001400_on_behalf } from './Migration20261130001400_on_behalf.ts'
import { Migration20261130001600_outbox_retention } from './Migration20261130001600_outbox_retention.ts'
import { Migration20261130001700_order_fingerprint } from './Migration20261130001700_order_fingerprint.ts'
import { Migration20261130001800_api_token_expiry } from './Migration20261130001800_api_token_expiry.ts'
import { Migration20261130001900_retired_key_erased } from './Migration20261130001900_retired_key_erased.ts'
import { Migration20261130002000_order_status_secret } from './Migration20261130002000_order_status_secret.ts'

/**
 * Migrations are listed here, not discovered: the project is ESM and runs TypeScript directly.
 * Add a new migration as a class file and append it; never edit one that has landed.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261130000100_journal_search', class: Migration20261130000100_journal_search },
  { name: 'Migration20261130000200_accounts', class: Migration20261130000200_accounts },
  { name: 'Migration20261130000300_retention_metrics', class: Migration20261130000300_retention_metrics },
  { name: 'Migration20261130000400_cart_fidelity', class: Migration20261130000400_cart_fidelity },
  { name: 'Migration20261130000500_contract_prices', class: Migration20261130000500_contract_prices },
  { name: 'Migration20261130000600_orders', class: Migration20261130000600_orders },
  { name: 'Migration20261130000700_order_price_check', class: Migration20261130000700_order_price_check },
  { name: 'Migration20261130001000_cart_checks', class: Migration20261130001000_cart_checks },
  { name: 'Migration20261130001100_order_attachments', class: Migration20261130001100_order_attachments },
  { name: 'Migration20261130001200_outbox', class: Migration20261130001200_outbox },
  { name: 'Migration20261130001300_session_replay', class: Migration20261130001300_session_replay },
  { name: 'Migration20261130001400_on_behalf', class: Migration20261130001400_on_behalf },
  { name: 'Migration20261130001600_outbox_retention', class: Migration20261130001600_outbox_retention },
  { name: 'Migration20261130001700_order_fingerprint', class: Migration20261130001700_order_fingerprint },
  { name: 'Migration20261130001800_api_token_expiry', class: Migration20261130001800_api_token_expiry },
  { name: 'Migration20261130001900_retired_key_erased', class: Migration20261130001900_retired_key_erased },
  { name: 'Migration20261130002000_order_status_secret', class: Migration20261130002000_order_status_secret },
]
