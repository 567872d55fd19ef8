import { Migration } from '@mikro-orm/migrations'

/**
 * The secret the buyer network gave the supplier for the order-status documents it sends
 * (docs/cxml.md, "ConfirmationRequest and ShipNoticeRequest"): stored sealed, never in clear
 * (docs/operations.md, "Keys at rest"). Customers before have none: their documents go without one.
 */
export class Migration20261130002000_order_status_secret extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customers" add column "order_status_secret" text null;`)
  }
}
