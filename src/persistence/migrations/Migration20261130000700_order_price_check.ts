import { Migration } from '@mikro-orm/migrations'

/**
 * An order keeps the price check of its lines (docs/cxml.md, "OrderRequest"; docs/api.md,
 * "Contract prices and price checks"): each line against the customer's contract or list price
 * on the order's date. Null for orders received before the check, and for cancellations.
 */
export class Migration20261130000700_order_price_check extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "price_check" jsonb null;`)
  }
}
