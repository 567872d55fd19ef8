import { Migration } from '@mikro-orm/migrations'

/**
 * What each OrderRequest said, as a SHA-256 fingerprint (docs/cxml.md, "OrderRequest"): a document
 * reusing a payloadID with another order is refused instead of answered as the first. Orders stored
 * before have none and stay repeats.
 */
export class Migration20261130001700_order_fingerprint extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders" add column "fingerprint" varchar(64) null;`)
  }
}
