import { Migration } from '@mikro-orm/migrations'

/**
 * A retired signing key keeps only its public part (docs/operations.md, "Key rotation"): it never
 * signs again, so a rotation erases its private part instead of leaving it in the database and
 * its backups. Keys retired earlier are left as they are, since a replica of the previous release
 * (re)starting during the rollout reads every key's private part; the next rotation deletes them.
 */
export class Migration20261130001900_retired_key_erased extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "signing_keys" alter column "private_key_pem" drop not null;`)
  }
}
