import { Gauge, type Registry } from 'prom-client'
import type { Database } from '../persistence/database.ts'
import { SqlOutboxStore } from '../persistence/outbox-store.ts'

/**
 * `punchgate_outbox_pending` (docs/operations.md, "Metrics"): deliveries waiting, counted when
 * scraped. A count that only grows means a storefront or order-status URL is down.
 */
export function registerOutboxGauge(registry: Registry, db: Database): void {
  const store = new SqlOutboxStore(db.orm)
  new Gauge({
    name: 'punchgate_outbox_pending',
    help: 'Outbox messages (orders for an external storefront, order-status cXML for buyers) waiting for delivery.',
    registers: [registry],
    async collect() {
      this.set(await store.pending())
    },
  })
}
