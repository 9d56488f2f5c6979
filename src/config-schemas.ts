/** The zod schemas of setting values: ports, hosts, URLs, sizes, durations, counts. */
import { z } from 'zod'
import { parse } from './metrics/promql/parser.ts'
import type { Matcher } from './metrics/types.ts'
import { parseDuration, parseSize } from './units.ts'

/** port is a TCP port, 0–65535. */
export const port = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must be between 0 and 65535' })
  .max(65535, { error: 'must be between 0 and 65535' })

/** host is an IP address or host name to listen on. */
export const host = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(/^[A-Za-z0-9.:\-[\]%]+$/, { error: 'must be an IP address or a host name' })

/** dbUrl is a libSQL database URL. */
export const dbUrl = z
  .string()
  .trim()
  .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)\S+$/, {
    error: 'must start with file:, libsql://, http(s):// or ws(s)://',
  })

/** size reads `10MiB` or a byte count, bounded. */
export const size = (min: number, max: number) =>
  z.union([z.number(), z.string()]).transform((value, ctx) => {
    const bytes = typeof value === 'number' ? value : parseSize(value)
    if (bytes === undefined || !Number.isInteger(bytes)) {
      ctx.addIssue({ code: 'custom', message: 'must be a size such as 10MiB, 512KiB or 1048576' })
      return z.NEVER
    }
    if (bytes < min || bytes > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max} bytes` })
      return z.NEVER
    }
    return bytes
  })

/**
 * boundedDuration checks a parsed duration (undefined: it did not parse) against its bounds, and
 * adds the issue a person reads when it fails; the duration schemas of settings and policies share it.
 */
export function boundedDuration(
  ms: number | undefined,
  minMs: number,
  maxMs: number,
  ctx: z.core.$RefinementCtx,
): number {
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 5m or 1h' })
    return z.NEVER
  }
  if (ms < minMs || ms > maxMs) {
    ctx.addIssue({
      code: 'custom',
      message: `must be between ${minMs / 1000}s and ${maxMs / 1000}s`,
    })
    return z.NEVER
  }
  return ms
}

/** duration reads `30s` or seconds as a number, in ms, bounded. */
export const duration = (minMs: number, maxMs: number) =>
  z
    .union([z.number(), z.string()])
    .transform((value, ctx) =>
      boundedDuration(
        typeof value === 'number' ? value * 1000 : parseDuration(value),
        minMs,
        maxMs,
        ctx,
      ),
    )

/** count is a whole number, bounded. */
export const count = (min: number, max: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be between ${min} and ${max}` })
    .max(max, { error: `must be between ${min} and ${max}` })

/** flag reads true / false (or 1 / 0). */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' })])
  .transform((v) => v === true || v === 'true' || v === '1')

/** selectors reads `;`-separated PromQL series selectors (`up; {job="api"}`) into their matchers. */
export const selectors = z.string().transform((text, ctx) => {
  const out: Matcher[][] = []
  for (const part of text.split(';')) {
    const source = part.trim()
    if (source === '') continue
    try {
      const expr = parse(source)
      if (expr.kind !== 'vectorSelector') throw new Error('not a series selector')
      out.push(expr.matchers)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${source}: ${(err as Error).message}` })
      return z.NEVER
    }
  }
  return out
})

/** paths reads `,`-separated file or directory paths (or a YAML list of them). */
export const paths = z
  .union([z.string(), z.array(z.string())], { error: 'must be paths separated by ,' })
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(',')).map((p) => p.trim()).filter((p) => p !== ''),
  )
/** secretKey is a 32-byte key as 64 hex digits or base64. */
export const secretKey = z
  .string()
  .trim()
  .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, {
    error: 'must be 32 bytes as 64 hex digits or base64 (openssl rand -hex 32)',
  })
