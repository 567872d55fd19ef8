import { Migration } from '@mikro-orm/migrations'

/**
 * Accounts (docs/api.md, "Roles and capabilities"): agent accounts for the console, a customer
 * scope on API tokens, and the customer each audit entry is about (scoped readers see only theirs).
 */
export class Migration20261130000200_accounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "agent_accounts" ("id" uuid not null, "email" varchar(320) not null, "name" varchar(200) not null, "role" varchar(20) not null, "password_hash" varchar(200) null, "customer_ids" jsonb null, "disabled_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_sign_in_at" timestamptz null, constraint "agent_accounts_pkey" primary key ("id"));`)
    this.addSql(`alter table "agent_accounts" add constraint "agent_accounts_email_unique" unique ("email");`)
    this.addSql(`alter table "api_tokens" add column "customer_ids" jsonb null;`)
    this.addSql(`alter table "audit_log" add column "customer_id" uuid null;`)
    this.addSql(`create index "audit_log_customer_id_at_index" on "audit_log" ("customer_id", "at");`)
  }
}
