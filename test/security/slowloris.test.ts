import t from 'tap'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { buildTestApp } from '../helpers/app.ts'

/**
 * Security plan F4 `slowloris-headers` (docs/security.md): sockets that send their headers a byte
 * at a time are closed at the headers timeout (REQUEST_TIMEOUT_SECONDS, here 2 s), and a normal
 * request is answered meanwhile. The headers would need 20 s; the assertion is on how much of
 * them each socket got to send, not on a time.
 */
t.test('F4 slowloris-headers: sockets trickling their headers are closed at the timeout; others are answered meanwhile', async (t) => {
  const app = await buildTestApp(t, { REQUEST_TIMEOUT_SECONDS: '2' })
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.app.server.address() as AddressInfo
  const headers = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 0123456789\r\n\r\n'
  const slow = (): Promise<number> => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let sent = 0
    const timer = setInterval(() => {
      if (sent < headers.length) socket.write(headers[sent++]!)
    }, 500)
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearInterval(timer)
      resolve(sent)
    })
  })
  const sockets = Array.from({ length: 20 }, slow)
  const healthz = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(healthz.status, 200, 'a normal request is answered while the slow sockets hang')
  for (const sent of await Promise.all(sockets)) t.ok(sent < headers.length, `closed after ${sent} of ${headers.length} bytes`)
})
