import { randomBytes } from 'node:crypto'
import { createServer, connect, type Server, type Socket } from 'node:net'

/** The Redis the tests share (CI and this machine run one on 127.0.0.1:6379). */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix of its own for each app or pair of apps: test files share one Redis. */
export const redisPrefix = (): string => `punchgate-test:${randomBytes(6).toString('hex')}:`

/** A loopback port nothing listens on (handed out by the OS, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A TCP relay in front of the shared Redis: stopping it is Redis going away, for this test alone. */
export async function redisRelay(): Promise<{ url: string; stop(): Promise<void>; restart(): Promise<void> }> {
  const target = new URL(REDIS_URL)
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => s.destroy())
      s.on('close', () => sockets.delete(s))
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve))
      for (const s of sockets) s.destroy()
      await closed
    },
    async restart() {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    },
  }
}
