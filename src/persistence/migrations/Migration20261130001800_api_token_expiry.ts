import { Migration } from '@mikro-orm/migrations'

/**
 * An expiry for API tokens (docs/api.md, "Token expiry"): a token past `expires_at` is refused like
 * an unknown one. Tokens created before have none and keep working until revoked.
 */
export class Migration20261130001800_api_token_expiry extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "api_tokens" add column "expires_at" timestamptz null;`)
  }
}
