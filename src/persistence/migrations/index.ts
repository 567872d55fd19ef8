import type { MigrationObject } from '@mikro-orm/core'
import { Migration20261123000000_initial } from './Migration20261123000000_initial.ts'
import { Migration20261130000100_journal_search } from './Migration20261130000100_journal_search.ts'
import { Migration20261130000200_accounts } from './Migration20261130000200_accounts.ts'
import { Migration20261130000300_retention_metrics } from './Migration20261130000300_retention_metrics.ts'

/**
 * Migrations are listed here, not discovered: the project is ESM and runs TypeScript directly.
 * Add a new migration as a class file and append it; never edit one that has landed.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261130000100_journal_search', class: Migration20261130000100_journal_search },
  { name: 'Migration20261130000200_accounts', class: Migration20261130000200_accounts },
  { name: 'Migration20261130000300_retention_metrics', class: Migration20261130000300_retention_metrics },
]
