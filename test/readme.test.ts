import { readFileSync } from 'node:fs'
import t from 'tap'
import { describePreset, PRESET_NAMES } from '../src/domain/provisioning/identity-profiles.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

t.test("the README's preset tables are the presets", async (t) => {
  for (const name of PRESET_NAMES) {
    const section = readme.split(`**${name}**`)[1]?.split('\n\n**')[0] ?? ''
    for (const row of describePreset(name)) {
      t.match(section, `| ${row.field} | ${row.sources.map((s) => '`' + s + '`').join(', ') || '—'} |`, `${name}.${row.field}`)
    }
  }
})

t.test("the README's permission catalog is the catalog", async (t) => {
  const { PERMISSIONS, DEFAULT_PERMISSIONS } = await import('../src/domain/provisioning/permissions.ts')
  for (const [name, meaning] of Object.entries(PERMISSIONS)) {
    const isDefault = (DEFAULT_PERMISSIONS as string[]).includes(name)
    t.match(readme, `| \`${name}\` | ${meaning} | ${isDefault ? '✓ ' : ''}|`, name)
  }
})
