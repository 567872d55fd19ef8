/**
 * Everything a mode needs before it loads anything: the bench database, both servers, the seeded
 * customer, started sessions for the cart returns, and one verified answer of each kind. Whatever
 * was opened is closed by `close()` — in `finally` and on SIGINT/SIGTERM — so a failed or
 * interrupted run leaves no process and no database behind.
 */
import { randomBytes } from 'node:crypto'
import { openBenchDatabase, type BenchDatabase } from './database.ts'
import { seed } from './fixture.ts'
import type { Child } from './processes.ts'
import { startSessions, type BenchContext } from './scenarios.ts'
import { newSecrets, startFloor, startGateway } from './servers.ts'
import { verifyAnswers } from './verify.ts'

export interface Harness {
  db: BenchDatabase
  ctx: BenchContext
  close(): Promise<void>
}

/** Undo steps, newest first; each runs once. */
const undo: Array<() => Promise<unknown>> = []
let closing: Promise<void> | undefined

/** Registers a step for closeAll (the journal-scale bench's database, which needs no servers). */
export const atClose = (step: () => Promise<unknown>): void => {
  undo.push(step)
}

/** Runs the undo steps registered so far; a call during a run joins it, a later call runs newer steps. */
export function closeAll(): Promise<void> {
  closing ??= (async () => {
    while (undo.length) await undo.pop()!().catch((err) => console.error(`cleanup: ${err instanceof Error ? err.message : err}`))
  })().finally(() => {
    closing = undefined
  })
  return closing
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the servers and removing the bench database…`)
    void closeAll().then(() => process.exit(130))
  })
}

export interface HarnessOptions {
  connections: number
  /** Node flags for the gateway (--cpu-prof …), given the run's scratch directory. */
  gatewayFlags?: (scratch: string) => string[]
  /** Started sessions to return carts to. */
  cartSessions?: number
  /** More environment for the gateway (the hostile soak's METRICS_TOKEN). */
  gatewayEnv?: Record<string, string>
}

export async function openHarness(options: HarnessOptions): Promise<Harness> {
  const t0 = Date.now()
  const db = await openBenchDatabase(process.env.DATABASE_URL)
  undo.push(() => db.dispose())
  const secrets = newSecrets()
  const track = (child: Child) => {
    undo.push(() => child.stop())
    return child
  }
  // Both boot at once (tsx compiles the gateway for several seconds); each is tracked as soon as it is up.
  const [gateway, floor] = await Promise.all([
    startGateway(db, secrets, options.gatewayFlags?.(db.scratch), options.gatewayEnv).then(track),
    startFloor(db).then(track),
  ])
  const fx = await seed(gateway.url, secrets.adminToken)
  const ctx: BenchContext = {
    gateway, floor, fx,
    storefrontToken: secrets.storefrontToken,
    connections: options.connections,
    runId: randomBytes(3).toString('hex'),
    newUsers: 0,
    orders: 0,
    startPool: [],
    cartSessions: [],
    rates: new Map(),
  }
  await verifyAnswers(ctx)
  if (options.cartSessions) ctx.cartSessions = await startSessions(ctx, options.cartSessions)
  console.error(`(servers up, customer seeded, answers verified${options.cartSessions ? `, ${options.cartSessions} sessions started` : ''} in ${((Date.now() - t0) / 1000).toFixed(0)} s)`)
  return { db, ctx, close: closeAll }
}
