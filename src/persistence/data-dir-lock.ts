import { openSync, closeSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface DataDirLock {
  release(): void
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * A pid lock beside the embedded database: a second gateway on the same DATA_DIR fails fast
 * instead of corrupting it (docs/operations.md, "Embedded database or PostgreSQL"; pglite#1106). A lock left by a dead process is taken over.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const file = path.join(dataDir, 'punchgate.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeFileSync(fd, String(process.pid))
      closeSync(fd)
      return {
        release() {
          try {
            if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file)
          } catch {
            // Already gone: nothing to release.
          }
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10)
      if (Number.isInteger(holder) && isAlive(holder)) {
        throw new Error(
          `DATA_DIR ${dataDir} is in use by another Punchgate process (pid ${holder}). ` +
            'Stop it, or point DATA_DIR at another directory.',
        )
      }
      unlinkSync(file)
    }
  }
  throw new Error(`Could not lock DATA_DIR ${dataDir}`)
}
