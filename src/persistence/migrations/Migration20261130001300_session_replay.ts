import { Migration } from '@mikro-orm/migrations'

/**
 * A live replay is a new session linked to the one it replays (docs/api.md, "Replay"): support
 * follows the link both ways, and a replay's recorded request is found through it.
 */
export class Migration20261130001300_session_replay extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "punchout_sessions" add column "replay_of" uuid null;`)
    this.addSql(`alter table "punchout_sessions" add constraint "punchout_sessions_replay_of_foreign" foreign key ("replay_of") references "punchout_sessions" ("id") on update no action on delete no action;`)
    this.addSql(`create index "punchout_sessions_replay_of_index" on "punchout_sessions" ("replay_of") where "replay_of" is not null;`)
  }
}
