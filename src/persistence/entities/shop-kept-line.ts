import { EntitySchema } from '@mikro-orm/core'
import { foreignKey } from './foreign-key.ts'

/**
 * A line of an edited cart that the built-in catalog does not have: the buyer system's ItemOut,
 * kept as sent (docs/storefront.md, "Editing a returned cart"). `position` is its place among
 * the ItemOut lines.
 */
export class ShopKeptLine {
  id!: string
  sessionId!: string
  position!: number
  item!: Record<string, unknown>
}

export const ShopKeptLineSchema = new EntitySchema<ShopKeptLine>({
  class: ShopKeptLine,
  tableName: 'shop_kept_lines',
  uniques: [{ properties: ['sessionId', 'position'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    sessionId: foreignKey({ entity: 'PunchoutSession', column: 'session_id', onDelete: 'cascade' }),
    position: { type: 'integer' },
    item: { type: 'json' },
  },
})
