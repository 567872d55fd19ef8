import t from 'tap'
import { buildTestApp, usingPostgres } from '../helpers/app.ts'

/**
 * The entities (src/persistence/entities) and the migrations (src/persistence/migrations) describe
 * the same schema: on a freshly migrated database the ORM's schema diff proposes nothing. When
 * they drift, the next generated migration would carry the difference — e.g. drop every foreign
 * key the entities do not declare, or a table no entity maps. Fix the entity (or add a migration),
 * never the diff. Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
const db = usingPostgres() ? 'PostgreSQL' : 'PGlite'

t.test(`a migrated database matches the entities: the schema diff is empty (${db})`, async (t) => {
  const app = await buildTestApp(t)
  const sql = (await app.db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).trim()
  t.equal(
    sql,
    '',
    sql === ''
      ? 'the entities and the migrations agree'
      : `the entities and the migrations disagree; the ORM would generate:\n${sql}\n`,
  )
})
