/**
 * The floor: the least a punchout endpoint can do on the gateway's own stack — Fastify 5, one
 * fast-xml-parser parse, one INSERT — so the gateway's numbers have a baseline to be divided by.
 * It runs as its own child process, like the gateway, so both are loaded and sampled the same way.
 *
 * Environment (set by bench/run.ts):
 *   FLOOR_PORT          listen port on 127.0.0.1
 *   FLOOR_DATABASE_URL  PostgreSQL: a `pg` Pool of 10, the gateway's pool size
 *   FLOOR_DATA_DIR      otherwise: PGlite in-process on disk in this directory (the gateway's embedded engine)
 */
import { PGlite } from '@electric-sql/pglite'
import { XMLParser } from 'fast-xml-parser'
import Fastify from 'fastify'
import pg from 'pg'

// The safe settings: no entity expansion at all (the gateway refuses <!ENTITY> before parsing).
const parser = new XMLParser({
  ignoreAttributes: false,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignorePiTags: true,
})

// A constant answer of the gateway's shape and size: the floor decides nothing.
const SETUP_RESPONSE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="floor@127.0.0.1" timestamp="2026-01-01T00:00:00.000Z" xml:lang="en-US"><Response><Status code="200" text="OK"/><PunchOutSetupResponse><StartPage><URL>http://127.0.0.1/punchout/start/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</URL></StartPage></PunchOutSetupResponse></Response></cXML>`
const START_REDIRECT = 'http://127.0.0.1/shop/login?assertion=floor'

const CREATE = 'create table if not exists bench_floor (id bigserial primary key, body text not null, at timestamptz not null)'
const INSERT = 'insert into bench_floor (body, at) values ($1, now())'

interface Store {
  insert(body: string): Promise<unknown>
  close(): Promise<void>
}

async function openStore(): Promise<Store> {
  const url = process.env.FLOOR_DATABASE_URL
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: 10 })
    await pool.query(CREATE)
    return { insert: (body) => pool.query(INSERT, [body]), close: () => pool.end() }
  }
  const dir = process.env.FLOOR_DATA_DIR
  if (!dir) throw new Error('set FLOOR_DATABASE_URL or FLOOR_DATA_DIR')
  const db = new PGlite(dir)
  await db.waitReady
  await db.exec(CREATE)
  return { insert: (body) => db.query(INSERT, [body]), close: () => db.close() }
}

async function main(): Promise<void> {
  const store = await openStore()
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body))

  app.get('/healthz', async () => ({ status: 'ok' }))

  // The floor of POST /punchout/cxml (and of the OCI login): parse, store, answer.
  app.post('/cxml', async (request, reply) => {
    const body = request.body as string
    parser.parse(body)
    await store.insert(body)
    return reply.type('text/xml; charset=utf-8').send(SETUP_RESPONSE)
  })

  // The floor of GET /punchout/start/:token: nothing to parse, one INSERT, a redirect.
  app.get('/start/:token', async (request, reply) => {
    await store.insert((request.params as { token: string }).token)
    return reply.redirect(START_REDIRECT, 302)
  })

  const close = async () => {
    await app.close()
    await store.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void close())
  process.once('SIGTERM', () => void close())
  await app.listen({ port: Number(process.env.FLOOR_PORT ?? 0), host: '127.0.0.1' })
}

main().catch((err) => {
  process.stderr.write(`floor failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
