import t from 'tap'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { buildTestApp } from '../helpers/app.ts'

/**
 * security plan F5 `slow-body`: a body trickling in is cut off at the request timeout
 * (REQUEST_TIMEOUT_SECONDS, here 2 s), not at Node's next 30 s connection check. The body would
 * need 20 s at one byte every 500 ms; the assertion is on how much of it was sent, not on a time.
 */
t.test('F5 slow-body: a body sent a byte at a time is closed at the request timeout', async (t) => {
  const app = await buildTestApp(t, { REQUEST_TIMEOUT_SECONDS: '2' })
  await app.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.app.server.address() as AddressInfo
  const length = 40
  const outcome = await new Promise<{ sent: number; answer: string }>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let sent = 0
    let answer = ''
    let timer: NodeJS.Timeout | undefined
    const done = () => {
      clearInterval(timer)
      resolve({ sent, answer })
    }
    socket.on('data', (chunk) => (answer += String(chunk)))
    socket.on('close', done)
    socket.on('error', () => undefined)
    socket.write(`POST /punchout/cxml HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\nContent-Length: ${length}\r\n\r\n`)
    timer = setInterval(() => {
      if (sent === length) return
      sent++
      socket.write('<')
    }, 500)
  })
  t.ok(outcome.sent < length, `closed after ${outcome.sent} of ${length} bytes`)
  t.match(outcome.answer, /^HTTP\/1\.1 408/, 'answered 408 Request Timeout')
})
