import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { requireEveryCustomer } from '../../../domain/accounts/scope.ts'
import { audit } from '../../../domain/audit/audit.ts'
import type { RouteContext } from '../index.ts'

const rotatedKeySchema = z.object({
  kid: z.string(),
  algorithm: z.string(),
  createdAt: z.iso.datetime(),
  /** Keys that signed until now: still in the JWKS until their last assertion has expired. */
  retiredKids: z.array(z.string()),
  retiredPublishedUntil: z.iso.datetime(),
})

/** The assertion signing keys (docs/operations.md, "Key rotation": rotation keeps the old key published). */
export async function keyRoutes(app: FastifyInstance, ctx: RouteContext): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const { keys, now } = ctx.deps

  api.post('/keys/rotate', {
    onRequest: ctx.auth('manage'),
    schema: {
      tags: ['keys'], summary: 'Rotate the assertion signing key; the old key stays in the JWKS until its assertions have expired',
      response: { 200: rotatedKeySchema },
    },
  }, async (request) => {
    // Every customer's assertions are signed with it.
    requireEveryCustomer(request.actor!, 'rotate the signing key')
    const at = now()
    const { key, retired } = await keys.rotate((tem, created, retiredKids) =>
      audit(tem, request.actor!, {
        action: 'key.rotate', targetType: 'signing-key', targetId: created.kid, customerId: null,
        before: { activeKids: retiredKids }, after: { activeKid: created.kid },
      }, at))
    return {
      kid: key.kid,
      algorithm: key.algorithm,
      createdAt: key.createdAt.toISOString(),
      retiredKids: retired,
      retiredPublishedUntil: new Date(at.getTime() + keys.publishForSeconds * 1000).toISOString(),
    }
  })
}
