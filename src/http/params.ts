/** zod schemas for the query parameters many routes share: times, limits, cursors. */
import { z } from 'zod'

/** instant accepts RFC 3339 or integer epoch milliseconds and yields epoch milliseconds. */
export const instant = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    if (/^\d{1,15}$/.test(text)) return Number(text)
    const ms = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?$/.test(text)
      ? Date.parse(text)
      : Number.NaN
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 time or epoch milliseconds' })
      return z.NEVER
    }
    return ms
  })

/** limit accepts 1..max, defaulting to `fallback`. */
export const limit = (fallback: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: `must be between 1 and ${max}` })
    .max(max, { error: `must be between 1 and ${max}` })
    .default(fallback)

/** cursor is an opaque positive integer handed back as `next_cursor`. */
export const cursor = z.coerce
  .number({ error: 'must be a cursor from next_cursor' })
  .int({ error: 'must be a cursor from next_cursor' })
  .positive({ error: 'must be a cursor from next_cursor' })
