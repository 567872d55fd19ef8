import { Migration } from '@mikro-orm/migrations'

/**
 * Order on behalf (docs/api.md, "Order on behalf"): a session an agent opened as a buyer carries
 * the agent, the reason and the end of its time box; a customer may switch it off or shorten the
 * longest time box (`on_behalf`, null: allowed, at most 60 minutes); an order placed that way
 * names the agent; a cart prepared for the buyer waits in `prepared_carts` for their next setup,
 * and the session that restored it names it.
 */
export class Migration20261130001400_on_behalf extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "punchout_sessions" add column "on_behalf_agent" varchar(200) null, add column "on_behalf_reason" text null, add column "on_behalf_expires_at" timestamptz null, add column "prepared_cart_id" uuid null;`)
    this.addSql(`alter table "customers" add column "on_behalf" jsonb null;`)
    this.addSql(`alter table "orders" add column "on_behalf_agent" varchar(200) null;`)
    this.addSql(`create table "prepared_carts" ("id" uuid not null, "customer_id" uuid not null, "user_id" uuid not null, "session_id" uuid not null, "agent" varchar(200) not null, "lines" jsonb not null, "total" numeric(18,4) not null, "currency" varchar(3) null, "created_at" timestamptz not null, "consumed_at" timestamptz null, "consumed_by_session_id" uuid null, constraint "prepared_carts_pkey" primary key ("id"));`)
    this.addSql(`create index "prepared_carts_user_id_created_at_index" on "prepared_carts" ("user_id", "created_at");`)
    this.addSql(`alter table "prepared_carts" add constraint "prepared_carts_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update no action on delete cascade;`)
    this.addSql(`alter table "prepared_carts" add constraint "prepared_carts_user_id_foreign" foreign key ("user_id") references "buyer_users" ("id") on update no action on delete cascade;`)
    this.addSql(`alter table "prepared_carts" add constraint "prepared_carts_session_id_foreign" foreign key ("session_id") references "punchout_sessions" ("id") on update no action on delete no action;`)
  }
}
