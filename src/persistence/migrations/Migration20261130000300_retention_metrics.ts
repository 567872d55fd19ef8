import { Migration } from '@mikro-orm/migrations'

/**
 * Retention (docs/operations.md, "Retention"): each customer's retention period and support tier,
 * and when retention purged a journal entry's or a cart's payload. The partial indexes hold only
 * what is still to purge, so a run reads no purged row; on a large journal, create them by hand
 * beforehand with `create index concurrently` under the same names (docs/operations.md,
 * "Migrations across several replicas").
 */
export class Migration20261130000300_retention_metrics extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customers" add column "retention_days" int not null default 90, add column "sla_tier" smallint not null default 3;`)
    this.addSql(`alter table "customers" add constraint "customers_retention_days_check" check ("retention_days" >= 1 and "retention_days" <= 3650);`)
    this.addSql(`alter table "customers" add constraint "customers_sla_tier_check" check ("sla_tier" = any (array[1, 2, 3]));`)
    this.addSql(`alter table "journal_entries" add column "payload_purged_at" timestamptz null;`)
    this.addSql(`create index if not exists "journal_entries_unpurged_index" on "journal_entries" ("customer_id", "at") where "payload_purged_at" is null;`)
    this.addSql(`alter table "carts" alter column "document" drop not null, add column "payload_purged_at" timestamptz null;`)
    this.addSql(`create index if not exists "carts_unpurged_index" on "carts" ("created_at") where "payload_purged_at" is null;`)
  }
}
