import { Migration } from '@mikro-orm/migrations'

/**
 * Contract prices (docs/api.md, "Contract prices and price checks"): a price now has a validity
 * (dates, both inclusive, either open) and a minimum quantity (quantity breaks), so a customer may
 * hold several prices for one SKU; the domain refuses overlapping ones. Each customer gets a price
 * tolerance (percent) and a policy for mismatches found by the price checks.
 */
export class Migration20261130000500_contract_prices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "contract_prices" drop constraint "contract_prices_customer_id_sku_unique";`)
    this.addSql(`alter table "contract_prices" add column "valid_from" date null, add column "valid_to" date null, add column "min_quantity" numeric(14,3) not null default 0;`)
    this.addSql(`create index "contract_prices_customer_id_sku_index" on "contract_prices" ("customer_id", "sku");`)
    this.addSql(`alter table "customers" add column "price_tolerance" numeric(5,2) not null default 0, add column "price_policy" varchar(10) not null default 'record';`)
  }
}
