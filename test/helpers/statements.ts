import type { TestApp } from './app.ts'

/** Every SQL statement `request` sends on the ORM's connection (BEGIN and COMMIT included), first line each. */
export async function statementsOf(app: TestApp, request: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = []
  const listener = (q: { sql: string }) => seen.push(q.sql.split('\n')[0]!.slice(0, 80))
  const knex = app.db.orm.em.getKnex()
  knex.on('query', listener)
  try {
    await request()
  } finally {
    knex.removeListener('query', listener)
  }
  return seen
}
