import { Migration } from '@mikro-orm/migrations'

/**
 * Orders received as cXML OrderRequest (docs/cxml.md, "OrderRequest"): one row per document,
 * unique per customer and payloadID (the idempotency key), with its lines. A second `new` for
 * one orderID is held off by a partial unique index, so two racing documents cannot both become
 * the order. The raw document is the journal row `journal_entry_id` (written in the same statement).
 */
export class Migration20261130000600_orders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "orders" ("id" uuid not null, "customer_id" uuid not null, "payload_id" varchar(400) not null, "order_id" varchar(200) not null, "type" varchar(10) not null, "status" varchar(20) not null, "order_date" varchar(64) null, "total" numeric(18,4) null, "currency" varchar(3) null, "deployment_mode" varchar(20) not null, "ship_to" jsonb null, "bill_to" jsonb null, "comments" text null, "journal_entry_id" bigint null, "session_id" uuid null, "cart_id" uuid null, "differences" jsonb not null, "created_at" timestamptz not null, constraint "orders_pkey" primary key ("id"));`)
    this.addSql(`alter table "orders" add constraint "orders_customer_id_payload_id_unique" unique ("customer_id", "payload_id");`)
    this.addSql(`create unique index "orders_new_order_id_unique" on "orders" ("customer_id", "order_id") where "type" = 'new';`)
    this.addSql(`create index "orders_customer_id_order_id_index" on "orders" ("customer_id", "order_id");`)
    this.addSql(`create index "orders_created_at_id_index" on "orders" ("created_at", "id");`)
    this.addSql(`create index "orders_session_id_index" on "orders" ("session_id");`)
    this.addSql(`alter table "orders" add constraint "orders_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update no action on delete no action;`)
    this.addSql(`alter table "orders" add constraint "orders_session_id_foreign" foreign key ("session_id") references "punchout_sessions" ("id") on update no action on delete no action;`)
    this.addSql(`alter table "orders" add constraint "orders_cart_id_foreign" foreign key ("cart_id") references "carts" ("id") on update no action on delete no action;`)
    this.addSql(`create table "order_lines" ("id" uuid not null, "order_id" uuid not null, "position" int not null, "line_number" int null, "quantity" numeric(18,6) not null, "sku" varchar(200) not null, "auxiliary_id" varchar(400) null, "unit_price" numeric(18,4) null, "currency" varchar(3) null, "description" text null, "unit_of_measure" varchar(20) null, "classification" jsonb null, constraint "order_lines_pkey" primary key ("id"));`)
    this.addSql(`alter table "order_lines" add constraint "order_lines_order_id_position_unique" unique ("order_id", "position");`)
    this.addSql(`alter table "order_lines" add constraint "order_lines_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update no action on delete cascade;`)
  }
}
