/**
 * Starting the two servers under test. The gateway is started the way the Dockerfile does it
 * (`node --import tsx src/server.ts`), configured only through its documented environment.
 */
import { randomBytes } from 'node:crypto'
import type { BenchDatabase } from './database.ts'
import { freePort, spawnNode, waitReady, type Child } from './processes.ts'

export interface GatewaySecrets {
  adminToken: string
  storefrontToken: string
}

export function newSecrets(): GatewaySecrets {
  return {
    adminToken: `bench_admin_${randomBytes(18).toString('base64url')}`,
    storefrontToken: `bench_store_${randomBytes(18).toString('base64url')}`,
  }
}

export async function startGateway(db: BenchDatabase, secrets: GatewaySecrets, nodeFlags: string[] = [], extraEnv: Record<string, string> = {}): Promise<Child> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawnNode('gateway', url, [...nodeFlags, '--import', 'tsx', 'src/server.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    PUNCHGATE_ADMIN_TOKEN: secrets.adminToken,
    PUNCHGATE_STOREFRONT_TOKEN: secrets.storefrontToken,
    PUNCHGATE_SECRET_KEY: randomBytes(32).toString('base64url'),
    // Start links are minted before a round and spent during it: they must outlive the round.
    START_TOKEN_TTL_SECONDS: '3600',
    // The bench drives thousands of requests from one address and one credential: it measures the gateway, not its limits.
    RATE_LIMITS: 'off',
    ...db.gatewayEnv,
    ...extraEnv,
  })
  await ready(child, '/readyz')
  return child
}

export async function startFloor(db: BenchDatabase): Promise<Child> {
  const port = await freePort()
  const child = spawnNode('floor', `http://127.0.0.1:${port}`, ['--import', 'tsx', 'bench/floor.ts'], { FLOOR_PORT: String(port), ...db.floorEnv })
  await ready(child, '/healthz')
  return child
}

async function ready(child: Child, probe: string): Promise<void> {
  try {
    await waitReady(child, probe)
  } catch (err) {
    await child.stop('SIGKILL')
    throw err
  }
}
