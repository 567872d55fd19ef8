import { ChangeSetPersister } from '@mikro-orm/core'
import { buildTestApp } from '../../helpers/app.ts'
import { setupRequest } from '../../helpers/fixtures.ts'
import { buyerCustomer, punchout } from './punchout-helpers.ts'
const orig = (ChangeSetPersister.prototype as any).persistNewEntitiesBatch
;(ChangeSetPersister.prototype as any).persistNewEntitiesBatch = async function (meta: any, cs: any[], options: any) {
  const d = this.driver
  if (!d.__patched) { d.__patched = true; const o = d.nativeInsertMany; d.nativeInsertMany = async (...args: any[]) => { const r = await o.apply(d, args); console.log('INSERT', args[0], args[1].length, JSON.stringify(r).slice(0, 300)); return r } }
  return orig.call(this, meta, cs, options)
}
const t = { teardown() {} }
const app = await buildTestApp(t)
const { from } = await buyerCustomer(app, { provisioning: { unknownRoles: 'reject' } })
console.log('--- ok path'); await punchout(app, setupRequest({ from, extrinsics: [['UniqueName', 'y']] }));console.log('--- reject path');const a = await punchout(app, setupRequest({ from, extrinsics: [['UniqueName', 'x'], ['Role', 'Approver']] }))
console.log(a.code, a.detail)
await app.app.close()
