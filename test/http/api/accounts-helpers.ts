import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import type { TestApp } from '../../helpers/app.ts'
import { adminHeaders } from '../../helpers/fixtures.ts'
import { startedSession } from '../../helpers/punchout.ts'
import { buyerCustomer, type Buyer } from '../../domain/provisioning/punchout-helpers.ts'
import { AuditEntry } from '../../../src/persistence/entities/index.ts'

/** Shared by the RBAC, customer-scope, agent and audit tests (test/http/api/). */

export type Headers = Record<string, string>
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` })

export const call = (app: TestApp, method: Method, url: string, headers: Headers = adminHeaders, payload?: unknown) =>
  app.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) })

/** A token created through the API by the bootstrap admin, with its role and optional customer scope. */
export async function tokenFor(app: TestApp, role: 'admin' | 'support' | 'auditor' | 'storefront', customerIds?: string[]) {
  const name = `${role}-${randomUUID().slice(0, 8)}`
  const res = await call(app, 'POST', '/api/tokens', adminHeaders, { name, role, ...(customerIds ? { customerIds } : {}) })
  if (res.statusCode !== 201) throw new Error(`tokenFor: ${res.statusCode} ${res.body}`)
  return { name, id: res.json().id as string, headers: bearer(res.json().token) }
}

/** A customer with a buyer who punched out: its user, and a started session (ready for a cart). */
export async function customerWithBuyer(app: TestApp): Promise<Buyer & { userId: string; sid: string }> {
  const buyer = await buyerCustomer(app)
  const unique = `buyer-${randomUUID().slice(0, 8)}`
  const { sid } = await startedSession(app.app, { from: buyer.from, extrinsics: [['UniqueName', unique], ['UserEmail', `${unique}@buyer.example.com`]] })
  const users = await call(app, 'GET', `/api/customers/${buyer.customer.id}/users?q=${unique}`)
  return { ...buyer, userId: users.json()[0].id, sid }
}

export const auditCount = (app: TestApp) => app.db.orm.em.fork().count(AuditEntry, {})

export const cartItems = [{ sku: 'A-1', quantity: 1, unitPrice: 2.5, currency: 'EUR', description: 'Pens', unitOfMeasure: 'EA' }]
