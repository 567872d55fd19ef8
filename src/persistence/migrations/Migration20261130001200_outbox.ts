import { Migration } from '@mikro-orm/migrations'

/**
 * The transactional outbox (docs/operations.md, "The outbox"): HTTP deliveries written in the same
 * write as what causes them — an order for an external storefront, a ConfirmationRequest or
 * ShipNoticeRequest for the customer's order-status URL — and delivered with retries. The
 * customer's `order_status_url` is where the cXML documents go.
 */
export class Migration20261130001200_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "outbox_messages" ("id" uuid not null, "kind" varchar(40) not null, "customer_id" uuid not null, "order_id" uuid null, "session_id" uuid null, "url" text not null, "body" text not null, "content_type" varchar(100) not null, "summary" jsonb not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "state" varchar(20) not null, "last_error" text null, "last_status" int null, "cxml_status" int null, "created_at" timestamptz not null, "delivered_at" timestamptz null, constraint "outbox_messages_pkey" primary key ("id"));`)
    this.addSql(`create index "outbox_messages_state_next_attempt_at_index" on "outbox_messages" ("state", "next_attempt_at");`)
    this.addSql(`create index "outbox_messages_order_id_index" on "outbox_messages" ("order_id");`)
    this.addSql(`alter table "outbox_messages" add constraint "outbox_messages_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on update no action on delete no action;`)
    this.addSql(`alter table "outbox_messages" add constraint "outbox_messages_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update no action on delete no action;`)
    this.addSql(`alter table "customers" add column "order_status_url" varchar(2000) null;`)
  }
}
