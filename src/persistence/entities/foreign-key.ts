/**
 * A foreign key on a plain id property.
 *
 * The domain code works with ids (`customerId`, `sessionId`, `sku` ...), never with loaded
 * relations, so these stay ManyToOne relations mapped to the primary key (`mapToPk`): the
 * property still holds the id string in em.create / find / where. Declaring them as relations
 * is what tells the schema diff about the constraints the migrations create; without it the
 * next generated migration would drop every foreign key.
 *
 * The options mirror the migration's constraints exactly:
 * - `onDelete` is the constraint's ON DELETE; MikroORM's own default would be SET NULL for a
 *   nullable column, so it is always spelled out.
 * - ON UPDATE is NO ACTION (primary keys never change); MikroORM would otherwise add CASCADE.
 * - `index: false`: indexes are declared on the entity (`indexes` / `uniques`) exactly as the
 *   migrations create them. MikroORM 6 does not auto-index foreign keys on PostgreSQL, but it
 *   does on other SQL platforms; this keeps that implicit index out whatever the platform.
 */
export interface ForeignKeyOptions {
  /** The target entity's class name (e.g. 'Customer'); a name, so entity files need not import each other. */
  entity: string
  /** The database column. */
  column: string
  onDelete: 'cascade' | 'no action'
  nullable?: boolean
}

export function foreignKey({ entity, column, onDelete, nullable = false }: ForeignKeyOptions) {
  return {
    kind: 'm:1',
    entity,
    mapToPk: true,
    fieldName: column,
    nullable,
    deleteRule: onDelete,
    updateRule: 'no action',
    index: false,
  } as const
}
