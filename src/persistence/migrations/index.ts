import type { MigrationObject } from '@mikro-orm/core'
import { Migration20261123000000_initial } from './Migration20261123000000_initial.ts'

/**
 * Migrations are listed here, not discovered: the project is ESM and runs TypeScript directly.
 * Add a new migration as a class file and append it; never edit one that has landed.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
]
