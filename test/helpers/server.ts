import type { ChildProcess } from 'node:child_process'

/** The `npm start` banner of a spawned gateway, once it printed the OCI URL (its last line). */
export function waitForBanner(server: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`no banner after 60 s:\n${out}\n${err}`)), 60_000)
    server.stdout!.on('data', (chunk) => {
      out += String(chunk)
      if (/OCI punchout \(open in a browser\):\n\S+/.test(out)) {
        clearTimeout(timer)
        resolve(out)
      }
    })
    server.stderr!.on('data', (chunk) => (err += String(chunk)))
    server.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}\n${err}`)))
  })
}

/** Stops a spawned gateway and waits for it to exit. */
export function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    server.once('exit', () => resolve())
    server.kill('SIGTERM')
  })
}
