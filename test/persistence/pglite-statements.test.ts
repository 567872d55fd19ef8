import t from 'tap'
import { countStatements } from '../../src/persistence/pglite-statements.ts'

t.test('counts statements, not semicolons inside quotes or comments', async (t) => {
  t.equal(countStatements("insert into t values ('Müller; Hans')"), 1)
  t.equal(countStatements("insert into t values ('a'';b');"), 1)
  t.equal(countStatements('select "odd;name" from t -- x;y\n'), 1)
  t.equal(countStatements('select 1; /* ; */ select 2;'), 2)
  t.equal(countStatements('create table a (x int);\ncreate index on a (x);'), 2)
  t.equal(countStatements('  ;  ; '), 0)
})
