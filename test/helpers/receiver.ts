import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestLike } from './app.ts'

export interface Received {
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Receiver {
  /** `http://127.0.0.1:<port>` — the same port whether it is up or down. */
  origin: string
  received: Received[]
  /** How the next requests are answered. */
  answer: { status: number; contentType: string; body: string }
  up(): Promise<void>
  down(): Promise<void>
}

/**
 * A storefront or buyer system on 127.0.0.1 that records what it receives. It starts down (its
 * port reserved, then closed: connections are refused) and comes up on the same port.
 */
export async function receiver(t: TestLike): Promise<Receiver> {
  let server: Server | undefined
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  const r: Receiver = {
    origin: `http://127.0.0.1:${port}`,
    received: [],
    answer: { status: 200, contentType: 'application/json', body: '{}' },
    async up() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          r.received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
          res.writeHead(r.answer.status, { 'content-type': r.answer.contentType }).end(r.answer.body)
        })
      })
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve))
    },
    async down() {
      if (!server) return
      server.closeAllConnections()
      await new Promise<void>((resolve) => server!.close(() => resolve()))
      server = undefined
    },
  }
  t.teardown(() => r.down())
  return r
}

/** A buyer system's cXML answer with the given Status code. */
export const cxmlStatusAnswer = (code: number, text: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="answer@buyer.example.com" timestamp="2026-11-23T10:00:00+00:00"><Response><Status code="${code}" text="${text}"/></Response></cXML>`
