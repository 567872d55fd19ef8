import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

/**
 * docs/security.md lists the security scenarios with their tests. Every scenario marked
 * automated (or partly) must be a test title starting with `<id> <name>` in a file its row
 * names, so the table and the suite cannot drift apart.
 */
const ROOT = path.resolve(import.meta.dirname, '..')
const plan = readFileSync(path.join(ROOT, 'docs/security.md'), 'utf8')

interface Scenario {
  id: string
  name: string
  files: string[]
  status: string
}

const STATUSES = ['automated', 'partly', 'not automated', 'not applicable']

function scenarios(): Scenario[] {
  const rows = plan.split('\n').filter((line) => /^\| [A-H]\d+ \|/.test(line))
  return rows.map((line) => {
    const cells = line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim())
    return {
      id: cells[0]!,
      name: cells[1]!,
      files: [...cells[cells.length - 2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
      status: cells[cells.length - 1]!,
    }
  })
}

const titleStartsWith = (source: string, prefix: string): boolean => {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  // A title in t.test(...) itself, or the name of a case a loop makes titles of (`${name}: …`).
  return new RegExp(`['"\`]${escaped}[:\\s('"\`]`).test(source)
}

const testFiles = (dir: string): string[] => readdirSync(dir).flatMap((entry) => {
  const full = path.join(dir, entry)
  return statSync(full).isDirectory() ? testFiles(full) : full.endsWith('.ts') ? [full] : []
})

t.test('docs/security.md lists the 76 scenarios, A1 to H3, each once with a known status', async (t) => {
  const all = scenarios()
  t.equal(all.length, 76)
  t.equal(new Set(all.map((s) => s.id)).size, all.length, 'no id twice')
  for (const s of all) {
    t.ok(STATUSES.includes(s.status), `${s.id}: status "${s.status}"`)
    t.match(s.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${s.id}: name`)
  }
})

t.test('each scenario marked automated or partly is a test title "<id> <name>" in a file its row names', async (t) => {
  const covered = scenarios().filter((s) => s.status === 'automated' || s.status === 'partly')
  t.ok(covered.length >= 40)
  for (const s of covered) {
    t.ok(s.files.length > 0, `${s.id}: names its test file`)
    const prefix = `${s.id} ${s.name}`
    for (const file of s.files) t.ok(existsSync(path.join(ROOT, file)), `${s.id}: ${file} exists`)
    const found = s.files.filter((file) => existsSync(path.join(ROOT, file)) && titleStartsWith(readFileSync(path.join(ROOT, file), 'utf8'), prefix))
    t.ok(found.length > 0, `${prefix}: a test title in ${s.files.join(' or ')}`)
  }
})

t.test('no test title claims a scenario id with a name the plan does not give it', async (t) => {
  const names = new Map(scenarios().map((s) => [s.id, s.name]))
  for (const file of testFiles(path.join(ROOT, 'test'))) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/\.test\(\s*['"`]([A-H]\d+) ([a-z0-9-]+)[:\s(']/g)) {
      t.equal(m[2], names.get(m[1]!), `${path.relative(ROOT, file)}: ${m[1]} ${m[2]}`)
    }
  }
})
