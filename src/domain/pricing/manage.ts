import { randomUUID } from 'node:crypto'
import type { SqlEntityManager } from '@mikro-orm/postgresql'
import { PunchgateError } from '../../errors/index.ts'
import { ContractPrice, Product } from '../../persistence/entities/index.ts'
import { audit, type Actor } from '../audit/audit.ts'
import { getCustomer } from '../customers/manage.ts'
import { formatDecimal } from './decimal.ts'
import { firstConflict, type PriceEntry } from './price-list.ts'
import type { PriceInput } from './price-input.ts'
import { contractEntries, contractEntry } from './store.ts'

/**
 * Contract prices through the admin API (docs/api.md, "Contract prices and price checks"): scoped
 * to the actor's customers (another customer answers 404), every write audited with the actor and
 * reason, in a transaction that holds the customer's price lock so two writers cannot together
 * create overlapping prices.
 */

export interface PriceView extends PriceEntry {
  id: string
}

export const priceView = (p: PriceEntry): PriceView => ({
  id: p.id!, sku: p.sku, unitPrice: formatDecimal(p.unitPrice), currency: p.currency,
  validFrom: p.validFrom ?? null, validTo: p.validTo ?? null, minQuantity: formatDecimal(p.minQuantity ?? '0', 0),
})

export async function listPrices(em: SqlEntityManager, actor: Actor, customerId: string, sku?: string): Promise<PriceView[]> {
  await getCustomer(em, actor, customerId)
  return (await contractEntries(em, customerId, sku)).map(priceView)
}

/** Runs `write` in a transaction holding the customer's price lock, after the scope check. */
export async function withPriceLock<T>(em: SqlEntityManager, actor: Actor, customerId: string, write: (tem: SqlEntityManager) => Promise<T>): Promise<T> {
  await getCustomer(em, actor, customerId)
  return em.transactional(async (tem) => {
    await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [`contract-prices:${customerId}`])
    return write(tem)
  })
}

async function requireProduct(em: SqlEntityManager, sku: string): Promise<void> {
  if ((await em.count(Product, { sku })) === 0) throw new PunchgateError('PG_ERR_API_VALIDATION', `No product with SKU ${sku}.`)
}

function requireNoConflict(candidate: PriceEntry, existing: PriceEntry[]): void {
  const reason = firstConflict(candidate, existing)
  if (reason) throw new PunchgateError('PG_ERR_CONFLICT', `The price ${reason}.`)
}

export async function createPrice(em: SqlEntityManager, actor: Actor, customerId: string, input: PriceInput, now: Date): Promise<PriceView> {
  return withPriceLock(em, actor, customerId, async (tem) => {
    await requireProduct(tem, input.sku)
    requireNoConflict(input, await contractEntries(tem, customerId, input.sku))
    const id = randomUUID()
    tem.create(ContractPrice, { id, customerId, ...input })
    const view = priceView({ ...input, id })
    audit(tem, actor, { action: 'contract_price.create', targetType: 'contract_price', targetId: id, customerId, after: view }, now)
    return view
  })
}

async function existingPrice(em: SqlEntityManager, customerId: string, priceId: string): Promise<PriceEntry> {
  const price = await contractEntry(em, customerId, priceId)
  if (!price) throw new PunchgateError('PG_ERR_NOT_FOUND', `No contract price ${priceId} for customer ${customerId}.`)
  return price
}

export async function updatePrice(em: SqlEntityManager, actor: Actor, customerId: string, priceId: string, input: PriceInput, now: Date): Promise<PriceView> {
  return withPriceLock(em, actor, customerId, async (tem) => {
    const price = await existingPrice(tem, customerId, priceId)
    await requireProduct(tem, input.sku)
    requireNoConflict({ ...input, id: priceId }, await contractEntries(tem, customerId, input.sku))
    const before = priceView(price)
    await tem.nativeUpdate(ContractPrice, { id: priceId, customerId }, input)
    const after = priceView({ ...input, id: priceId })
    audit(tem, actor, { action: 'contract_price.update', targetType: 'contract_price', targetId: priceId, customerId, before, after }, now)
    return after
  })
}

export async function deletePrice(em: SqlEntityManager, actor: Actor, customerId: string, priceId: string, now: Date): Promise<void> {
  await withPriceLock(em, actor, customerId, async (tem) => {
    const price = await existingPrice(tem, customerId, priceId)
    await tem.nativeDelete(ContractPrice, { id: priceId, customerId })
    audit(tem, actor, { action: 'contract_price.delete', targetType: 'contract_price', targetId: priceId, customerId, before: priceView(price) }, now)
  })
}
