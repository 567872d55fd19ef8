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

t.test('the embedded connection lets the event loop run between statements (sockets are not starved)', async (t) => {
  const { PGlite } = await import('@electric-sql/pglite')
  const { embeddedConnection } = await import('../../src/persistence/pglite-statements.ts')
  const raw = new PGlite()
  t.teardown(() => raw.close())
  await raw.waitReady
  const db = embeddedConnection(raw)
  const order: string[] = []
  // Requests under load: each runs its statements one after the other, many at once.
  const request = async (r: number) => {
    for (let n = 0; n < 4; n++) {
      await db.query(`select ${n}`)
      order.push(`request ${r} statement ${n}`)
    }
  }
  const requests = [1, 2, 3, 4, 5].map(request)
  setImmediate(() => order.push('event loop'))
  await Promise.all(requests)
  const turn = order.indexOf('event loop')
  t.ok(turn !== -1 && turn < order.length - 1, `the event loop ran between statements: ${order.join(', ')}`)
})

t.test('the embedded connection runs a single statement given to exec() as a query (rows come back)', async (t) => {
  const { PGlite } = await import('@electric-sql/pglite')
  const { embeddedConnection } = await import('../../src/persistence/pglite-statements.ts')
  const raw = new PGlite()
  t.teardown(() => raw.close())
  const result = await embeddedConnection(raw).exec("select 'Müller; Hans' as name")
  t.same((result as unknown as { rows: unknown[] }).rows, [{ name: 'Müller; Hans' }])
})
