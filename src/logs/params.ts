/** Query parameters of the log routes: the service in the path, levels, search, paging. */
import { z } from 'zod'
import { instant, limit } from '../http/params.ts'
import { recordName } from '../ingest/record.ts'
import { normalizeLevel } from './normalize.ts'
import type { Level } from './types.ts'

/** serviceParam checks a service name from the path with the ingest rules. */
export const serviceParam = z.string().transform((text, ctx) => {
  const result = recordName('service', text, 128)
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message })
    return z.NEVER
  }
  return result.name
})

/**
 * levelParam reads `level`: one level means that level and above (`warn` → warn, error, fatal); a
 * comma-separated list means exactly those levels (`debug,error`).
 */
const levelParam = z
  .string()
  .max(100)
  .transform((text, ctx) => {
    const parts = text.split(',').map((p) => p.trim())
    const found = parts.map(normalizeLevel)
    if (found.some((l) => l === undefined) || parts.some((p) => p === '')) {
      ctx.addIssue({ code: 'custom', message: 'must be debug, info, warn, error or fatal' })
      return z.NEVER
    }
    const list = found as Level[]
    return list.length === 1 ? { minLevel: list[0]! } : { levels: list }
  })

/** tailQuery is the filters of the live tail. */
export const tailQuery = z.object({
  level: levelParam.optional(),
  search: z.string().max(1000).optional(),
})

/** logsQuery is the filters and paging of a log query. */
export const logsQuery = tailQuery.extend({
  start: instant.optional(),
  end: instant.optional(),
  limit: limit(100, 10_000),
  cursor: z.string().max(100).optional(),
})
