import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { describePreset, PRESET_NAMES } from '../src/domain/provisioning/identity-profiles.ts'

/** The README is the front page; the reference tables live in docs/ and must stay the code's. */
const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
const identityProfiles = read('docs/identity-profiles.md')

t.test("docs/identity-profiles.md's preset tables are the presets", async (t) => {
  for (const name of PRESET_NAMES) {
    const section = identityProfiles.split(`**${name}**`)[1]?.split('\n\n**')[0] ?? ''
    for (const row of describePreset(name)) {
      t.match(section, `| ${row.field} | ${row.sources.map((s) => '`' + s + '`').join(', ') || '—'} |`, `${name}.${row.field}`)
    }
  }
})

t.test("docs/identity-profiles.md's permission catalog is the catalog", async (t) => {
  const { PERMISSIONS, DEFAULT_PERMISSIONS } = await import('../src/domain/provisioning/permissions.ts')
  for (const [name, meaning] of Object.entries(PERMISSIONS)) {
    const isDefault = (DEFAULT_PERMISSIONS as string[]).includes(name)
    t.match(identityProfiles, `| \`${name}\` | ${meaning} | ${isDefault ? '✓ ' : ''}|`, name)
  }
})

/** A heading's anchor as GitHub renders it: lower case, punctuation dropped, spaces to hyphens. */
const anchor = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')

t.test('the links between the README and docs/ resolve, headings included', async (t) => {
  const pages = ['README.md', ...readdirSync(new URL('../docs/', import.meta.url)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
  const anchors = (file: string): Set<string> =>
    new Set([...read(file).replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)))
  for (const page of pages) {
    for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target!)) continue // https://, mailto:
      const [file, hash] = target!.split('#') as [string, string | undefined]
      const resolved = file === '' ? page : path.posix.join(path.posix.dirname(page), file)
      t.ok(existsSync(new URL(`../${resolved}`, import.meta.url)), `${page} → ${target}: ${resolved} exists`)
      if (hash !== undefined && resolved.endsWith('.md')) t.ok(anchors(resolved).has(hash), `${page} → ${target}: the heading exists`)
    }
  }
})
