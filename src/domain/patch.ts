import { z } from 'zod'

/**
 * The PATCH form of an object schema: every field optional and *without* its default, so a patch
 * changes only what it names (`.partial()` would fill the defaults back in and silently reset
 * fields the caller did not mention).
 */
export function patchOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      const bare = field instanceof z.ZodDefault ? field.unwrap() : field
      return [key, (bare as z.ZodType).optional()]
    }),
  )
  return z.object(shape) as unknown as z.ZodObject<{ [K in keyof Shape]: z.ZodOptional<Shape[K]> }>
}
