import { Migration } from '@mikro-orm/migrations'

/** The initial schema: customers, credentials, users and roles, sessions, journal, carts, keys. */
export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_tokens" ("id" uuid not null, "name" varchar(200) not null, "role" varchar(20) not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "api_tokens_pkey" primary key ("id"));`)
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_token_hash_unique" unique ("token_hash");`)
    this.addSql(`create table "audit_log" ("id" bigserial primary key, "at" timestamptz not null, "actor" varchar(200) not null, "action" varchar(60) not null, "target_type" varchar(40) not null, "target_id" varchar(200) not null, "before" jsonb null, "after" jsonb null, "reason" text null);`)
    this.addSql(`create index "audit_log_target_type_target_id_index" on "audit_log" ("target_type", "target_id");`)
    this.addSql(`create index "audit_log_at_index" on "audit_log" ("at");`)
    this.addSql(`create table "buyer_users" ("id" uuid not null, "customer_id" uuid not null, "unique_name" varchar(400) not null, "email" varchar(400) null, "display_name" varchar(400) null, "first_name" varchar(200) null, "last_name" varchar(200) null, "phone" varchar(100) null, "cost_center" varchar(200) null, "department" varchar(200) null, "business_unit" varchar(200) null, "ship_to_id" varchar(200) null, "locale" varchar(40) null, "roles" jsonb not null, "status" varchar(20) not null, "unidentified" boolean not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_seen_at" timestamptz null, constraint "buyer_users_pkey" primary key ("id"));`)
    this.addSql(`create index "buyer_users_customer_id_email_index" on "buyer_users" ("customer_id", "email");`)
    this.addSql(`alter table "buyer_users" add constraint "buyer_users_customer_id_unique_name_unique" unique ("customer_id", "unique_name");`)
    this.addSql(`create table "carts" ("id" uuid not null, "session_id" uuid not null, "lines" jsonb not null, "currency" varchar(3) null, "total" numeric(18,4) not null, "transport" varchar(20) not null, "document" text not null, "created_at" timestamptz not null, constraint "carts_pkey" primary key ("id"));`)
    this.addSql(`create index "carts_session_id_index" on "carts" ("session_id");`)
    this.addSql(`create table "contract_prices" ("id" uuid not null, "customer_id" uuid not null, "sku" varchar(100) not null, "unit_price" numeric(14,4) not null, "currency" varchar(3) not null, constraint "contract_prices_pkey" primary key ("id"));`)
    this.addSql(`alter table "contract_prices" add constraint "contract_prices_customer_id_sku_unique" unique ("customer_id", "sku");`)
    this.addSql(`create table "credentials" ("id" uuid not null, "customer_id" uuid not null, "protocol" varchar(10) not null, "domain" varchar(200) not null, "identity" varchar(400) not null, "secret_hash" varchar(128) not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "credentials_pkey" primary key ("id"));`)
    this.addSql(`create index "credentials_protocol_domain_identity_index" on "credentials" ("protocol", "domain", "identity");`)
    this.addSql(`create table "customers" ("id" uuid not null, "name" varchar(200) not null, "slug" varchar(100) not null, "tier" varchar(40) not null, "identity_profile" jsonb not null, "provisioning" jsonb not null, "return_url_hosts" jsonb not null, "cart_transport" varchar(20) not null, "oci_options" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "customers_pkey" primary key ("id"));`)
    this.addSql(`alter table "customers" add constraint "customers_slug_unique" unique ("slug");`)
    this.addSql(`create table "customer_roles" ("id" uuid not null, "customer_id" uuid not null, "name" varchar(200) not null, "name_key" varchar(200) not null, "status" varchar(20) not null, "permissions" jsonb not null, "spend_limit" numeric(14,2) null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "customer_roles_pkey" primary key ("id"));`)
    this.addSql(`create index "customer_roles_status_index" on "customer_roles" ("status");`)
    this.addSql(`alter table "customer_roles" add constraint "customer_roles_customer_id_name_key_unique" unique ("customer_id", "name_key");`)
    this.addSql(`create table "journal_entries" ("id" bigserial primary key, "at" timestamptz not null, "channel" varchar(20) not null, "method" varchar(10) not null, "path" text not null, "request_id" varchar(64) not null, "session_id" uuid null, "customer_id" uuid null, "payload_id" varchar(400) null, "http_status" int not null, "protocol_status" int null, "outcome" varchar(20) not null, "error_code" varchar(60) null, "content_type" varchar(200) null, "request_body" bytea null, "request_size" int not null, "response_content_type" varchar(200) null, "response_body" text null, "duration_ms" int not null, "remote_ip" varchar(100) null);`)
    this.addSql(`create index "journal_entries_at_index" on "journal_entries" ("at");`)
    this.addSql(`create index "journal_entries_session_id_index" on "journal_entries" ("session_id");`)
    this.addSql(`create index "journal_entries_customer_id_at_index" on "journal_entries" ("customer_id", "at");`)
    this.addSql(`create index "journal_entries_payload_id_index" on "journal_entries" ("payload_id");`)
    this.addSql(`create index "journal_entries_request_id_index" on "journal_entries" ("request_id");`)
    this.addSql(`create table "products" ("sku" varchar(100) not null, "name" varchar(300) not null, "description" text not null, "list_price" numeric(14,4) not null, "currency" varchar(3) not null, "unit_of_measure" varchar(10) not null, "unspsc" varchar(20) null, "manufacturer_name" varchar(200) null, "manufacturer_part_id" varchar(200) null, "lead_time_days" int null, constraint "products_pkey" primary key ("sku"));`)
    this.addSql(`create table "punchout_sessions" ("id" uuid not null, "customer_id" uuid not null, "user_id" uuid null, "protocol" varchar(10) not null, "operation" varchar(10) not null, "status" varchar(20) not null, "failure_code" varchar(60) null, "failure_text" text null, "buyer_cookie" text null, "return_url" text null, "payload_id" varchar(400) null, "deployment_mode" varchar(20) not null, "start_token_hash" varchar(64) null, "start_expires_at" timestamptz null, "started_at" timestamptz null, "cart_returned_at" timestamptz null, "restored_items" jsonb not null, "selected_sku" varchar(200) null, "protocol_context" jsonb not null, "grant" jsonb not null, "flags" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "punchout_sessions_pkey" primary key ("id"));`)
    this.addSql(`alter table "punchout_sessions" add constraint "punchout_sessions_start_token_hash_unique" unique ("start_token_hash");`)
    this.addSql(`create index "punchout_sessions_customer_id_created_at_index" on "punchout_sessions" ("customer_id", "created_at");`)
    this.addSql(`create index "punchout_sessions_status_created_at_index" on "punchout_sessions" ("status", "created_at");`)
    this.addSql(`create table "session_events" ("id" bigserial primary key, "session_id" uuid not null, "at" timestamptz not null, "type" varchar(60) not null, "data" jsonb not null);`)
    this.addSql(`create index "session_events_session_id_at_index" on "session_events" ("session_id", "at");`)
    this.addSql(`create table "shop_cart_lines" ("id" uuid not null, "session_id" uuid not null, "sku" varchar(100) not null, "quantity" numeric(14,3) not null, constraint "shop_cart_lines_pkey" primary key ("id"));`)
    this.addSql(`alter table "shop_cart_lines" add constraint "shop_cart_lines_session_id_sku_unique" unique ("session_id", "sku");`)
    this.addSql(`create table "signing_keys" ("kid" varchar(64) not null, "algorithm" varchar(10) not null, "private_key_pem" text not null, "public_jwk" jsonb not null, "created_at" timestamptz not null, "retired_at" timestamptz null, constraint "signing_keys_pkey" primary key ("kid"));`)

    // Referential integrity: no orphan rows (a user without a customer, an event without a session).
    this.addSql(`alter table "credentials" add constraint "credentials_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete cascade`)
    this.addSql(`alter table "buyer_users" add constraint "buyer_users_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete cascade`)
    this.addSql(`alter table "customer_roles" add constraint "customer_roles_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete cascade`)
    this.addSql(`alter table "contract_prices" add constraint "contract_prices_customer_id_foreign" foreign key ("customer_id") references "customers" ("id") on delete cascade`)
    this.addSql(`alter table "contract_prices" add constraint "contract_prices_sku_foreign" foreign key ("sku") references "products" ("sku") on delete cascade`)
    this.addSql(`alter table "punchout_sessions" add constraint "punchout_sessions_customer_id_foreign" foreign key ("customer_id") references "customers" ("id")`)
    this.addSql(`alter table "punchout_sessions" add constraint "punchout_sessions_user_id_foreign" foreign key ("user_id") references "buyer_users" ("id")`)
    this.addSql(`alter table "session_events" add constraint "session_events_session_id_foreign" foreign key ("session_id") references "punchout_sessions" ("id") on delete cascade`)
    this.addSql(`alter table "carts" add constraint "carts_session_id_foreign" foreign key ("session_id") references "punchout_sessions" ("id")`)
    this.addSql(`alter table "shop_cart_lines" add constraint "shop_cart_lines_session_id_foreign" foreign key ("session_id") references "punchout_sessions" ("id") on delete cascade`)
    this.addSql(`alter table "shop_cart_lines" add constraint "shop_cart_lines_sku_foreign" foreign key ("sku") references "products" ("sku")`)

    // Single-use keys (assertion jti, ...), namespaced by kind: "assert:<jti>".
    this.addSql(`create table "single_use_keys" ("key" varchar(200) not null, "expires_at" timestamptz not null, constraint "single_use_keys_pkey" primary key ("key"))`)
    this.addSql(`create index "single_use_keys_expires_at_index" on "single_use_keys" ("expires_at")`)
  }
}
