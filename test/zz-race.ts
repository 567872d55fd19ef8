import { buildTestApp } from './helpers/app.ts'
import { setupRequest } from './helpers/fixtures.ts'
import { buyerCustomer, punchout, sessionForStartPage, timeline } from './domain/provisioning/punchout-helpers.ts'
const app = await buildTestApp({ teardown() {} })
for (let round = 0; round < 3; round++) {
  const { from } = await buyerCustomer(app)
  const answers = await Promise.all(Array.from({ length: 10 }, () => punchout(app, setupRequest({ from, extrinsics: [['UniqueName', 'r'], ['Role', 'X']] }))))
  const evs = await Promise.all(answers.map(async (a) => (await timeline(app, (await sessionForStartPage(app, a.startPage!)).id)).filter((e) => e.type.startsWith('user.') || e.type.startsWith('role.')).map((e) => e.type + (e.data.concurrentFirstSetup ? '(race)' : ''))))
  console.log(answers.map((a) => a.code).join(','), JSON.stringify(evs.map((e) => e.join(' '))))
}
await app.app.close()
