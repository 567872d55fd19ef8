import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * The repository explains itself: comments and docs cite docs/ or a public specification, never
 * notes that live outside the repository (a maintainer has only the repository).
 */
const ROOT = path.resolve(import.meta.dirname, '..')
// The repository's own security plan (docs/) is fine; the notes beside the repository are not.
const OUTSIDE_NOTES = new RegExp(['protocol', '(?<!docs/)security', 'PRODUCT', 'STYLE'].map((n) => `\\b${n}\\.md\\b`).concat(['\\.\\./shared\\b']).join('|'))

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'results') continue
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) yield* files(full)
    else if (/\.(ts|mts|mjs|cjs|md)$/.test(name)) yield full
  }
}

t.test('no file cites notes outside the repository', async (t) => {
  const offenders: string[] = []
  for (const dir of ['src', 'schemas', 'test', 'docs', 'bench']) {
    for (const file of files(path.join(ROOT, dir))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (OUTSIDE_NOTES.test(line)) offenders.push(`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`)
      })
    }
  }
  if (OUTSIDE_NOTES.test(readFileSync(path.join(ROOT, 'README.md'), 'utf8'))) offenders.push('README.md')
  t.same(offenders, [])
})
