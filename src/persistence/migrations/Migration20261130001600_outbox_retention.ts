import { Migration } from '@mikro-orm/migrations'

/**
 * Retention of the outbox (docs/operations.md, "Retention"): a message delivered (or dead) keeps
 * its body — an order with its addresses, a cXML document — only as long as its customer keeps
 * raw payloads. The partial index holds only finished messages not yet purged, so a run reads no
 * purged row and no pending one.
 */
export class Migration20261130001600_outbox_retention extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "outbox_messages" alter column "body" drop not null, add column "payload_purged_at" timestamptz null;`)
    this.addSql(`create index if not exists "outbox_messages_unpurged_index" on "outbox_messages" ("created_at") where "payload_purged_at" is null and "state" <> 'pending';`)
  }
}
