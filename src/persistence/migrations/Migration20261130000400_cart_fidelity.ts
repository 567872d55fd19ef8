import { Migration } from '@mikro-orm/migrations'

/**
 * Lines of an edited cart that the built-in storefront's catalog does not have (docs/storefront.md,
 * "Editing a returned cart"): kept as the buyer system sent them, shown in the cart, and returned
 * unchanged unless the buyer removes them. Gone with their session.
 */
export class Migration20261130000400_cart_fidelity extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "shop_kept_lines" ("id" uuid not null, "session_id" uuid not null, "position" int not null, "item" jsonb not null, constraint "shop_kept_lines_pkey" primary key ("id"));`)
    this.addSql(`alter table "shop_kept_lines" add constraint "shop_kept_lines_session_id_position_unique" unique ("session_id", "position");`)
    this.addSql(`alter table "shop_kept_lines" add constraint "shop_kept_lines_session_id_foreign" foreign key ("session_id") references "punchout_sessions" ("id") on delete cascade;`)
  }
}
