import { Migration } from '@mikro-orm/migrations'

/**
 * Cart checks per buyer system (docs/identity-profiles.md, "Cart checks per buyer system"): each
 * customer's policy for findings (warn or block) and its changes to its preset's rules. Null is
 * the default: warn, the preset's rules as they are.
 */
export class Migration20261130001000_cart_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customers" add column "cart_checks" jsonb null;`)
  }
}
