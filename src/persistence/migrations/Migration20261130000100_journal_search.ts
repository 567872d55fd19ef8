import { Migration } from '@mikro-orm/migrations'

/**
 * Indexes for support's lists of sessions and journaled requests (docs/performance.md, "The
 * journal's lists"): every list is newest first with (time, id) as its keyset, so each filter has
 * an index that starts with the filtered column and continues with (time, id), and a page is one
 * ordered index walk that stops after `limit` rows. Two indexes of the initial schema become
 * their (…, id) successors. Rare values (failure codes, refused requests) get partial indexes that
 * hold only the rows that have them; the BuyerCookie, text of any length, a hash index.
 *
 * `if not exists`: on a large journal, create these by hand beforehand with `create index
 * concurrently` under the same names (docs/operations.md, "Migrations across several replicas").
 */
export class Migration20261130000100_journal_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index if not exists "punchout_sessions_created_at_id_index" on "punchout_sessions" ("created_at", "id");`)
    this.addSql(`create index if not exists "punchout_sessions_customer_id_created_at_id_index" on "punchout_sessions" ("customer_id", "created_at", "id");`)
    this.addSql(`drop index if exists "punchout_sessions_customer_id_created_at_index";`)
    this.addSql(`create index if not exists "punchout_sessions_status_created_at_id_index" on "punchout_sessions" ("status", "created_at", "id");`)
    this.addSql(`drop index if exists "punchout_sessions_status_created_at_index";`)
    this.addSql(`create index if not exists "punchout_sessions_user_id_created_at_id_index" on "punchout_sessions" ("user_id", "created_at", "id");`)
    this.addSql(`create index if not exists "punchout_sessions_failure_code_index" on "punchout_sessions" ("failure_code", "created_at", "id") where "failure_code" is not null;`)
    // A customer's failed sessions: what support opens first.
    this.addSql(`create index if not exists "punchout_sessions_failed_index" on "punchout_sessions" ("customer_id", "created_at", "id") where "status" = 'failed';`)
    this.addSql(`create index if not exists "punchout_sessions_payload_id_index" on "punchout_sessions" ("payload_id");`)
    this.addSql(`create index if not exists "punchout_sessions_buyer_cookie_index" on "punchout_sessions" using hash ("buyer_cookie");`)

    this.addSql(`create index if not exists "journal_entries_at_id_index" on "journal_entries" ("at", "id");`)
    this.addSql(`drop index if exists "journal_entries_at_index";`)
    this.addSql(`create index if not exists "journal_entries_customer_id_at_id_index" on "journal_entries" ("customer_id", "at", "id");`)
    this.addSql(`drop index if exists "journal_entries_customer_id_at_index";`)
    this.addSql(`create index if not exists "journal_entries_not_ok_index" on "journal_entries" ("outcome", "at", "id") where "outcome" <> 'ok';`)
    this.addSql(`create index if not exists "journal_entries_error_code_index" on "journal_entries" ("error_code", "at", "id") where "error_code" is not null;`)

    // The buyer search matches the start of each text, ignoring case (text_pattern_ops serves
    // `like 'x%'` whatever the database's collation).
    for (const column of ['email', 'unique_name', 'display_name', 'last_name']) {
      this.addSql(`create index if not exists "buyer_users_${column}_prefix_index" on "buyer_users" (lower("${column}") text_pattern_ops);`)
    }
  }
}
