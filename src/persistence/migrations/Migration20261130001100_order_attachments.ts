import { Migration } from '@mikro-orm/migrations'

/**
 * Attachments of OrderRequests sent as multipart/related (docs/cxml.md, "Attachments"): one row
 * per MIME part, kept with its order and removed with it.
 */
export class Migration20261130001100_order_attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "order_attachments" ("id" uuid not null, "order_id" uuid not null, "content_id" varchar(400) null, "file_name" varchar(255) null, "content_type" varchar(200) not null, "size" int not null, "sha256" varchar(64) not null, "content" bytea not null, constraint "order_attachments_pkey" primary key ("id"));`)
    this.addSql(`create index "order_attachments_order_id_index" on "order_attachments" ("order_id");`)
    this.addSql(`alter table "order_attachments" add constraint "order_attachments_order_id_foreign" foreign key ("order_id") references "orders" ("id") on update no action on delete cascade;`)
  }
}
