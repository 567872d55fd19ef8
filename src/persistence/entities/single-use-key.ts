import { EntitySchema } from '@mikro-orm/core'

/**
 * A consumed one-time value (assertion jti, ...), namespaced by kind: "assert:<jti>".
 * Written and read through raw SQL (src/domain/federation/single-use.ts: insert ... on conflict
 * do nothing); mapped here so the schema diff knows the table the migration creates.
 */
export class SingleUseKey {
  key!: string
  expiresAt!: Date
}

export const SingleUseKeySchema = new EntitySchema<SingleUseKey>({
  class: SingleUseKey,
  tableName: 'single_use_keys',
  indexes: [{ properties: ['expiresAt'] }],
  properties: {
    key: { type: 'string', length: 200, primary: true },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
  },
})
