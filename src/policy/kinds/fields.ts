/** Field schemas the policy kinds share: names, durations, globs, label maps, templates. Pure. */
import { z } from 'zod'
import { parse } from '../../metrics/promql/parser.ts'
import type { Matcher } from '../../metrics/types.ts'
import { parseDuration } from '../../units.ts'
import { boundedDuration } from '../../config-schemas.ts'

/** severities are the severities policies speak, least severe first (as anomalies and findings). */
export const severities = ['low', 'medium', 'high', 'critical'] as const

/** severity is one of severities. */
export const severity = z.enum(severities, { error: `must be one of ${severities.join(', ')}` })

/** strict is an object that refuses unknown fields, naming the fields it knows. */
export function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; expected ${known}`
        : issue.code === 'invalid_type'
          ? `must be a mapping (object) of ${known}`
          : undefined,
  })
}

/** duration reads `30s`, `1m`, `1h30m` into milliseconds, bounded. */
export const duration = (minMs: number, maxMs: number) =>
  z
    .string({ error: 'must be a duration such as 30s, 5m or 1h' })
    .transform((text, ctx) => boundedDuration(parseDuration(text), minMs, maxMs, ctx))

/** name is a lower-case, DNS-1123-like name: letters, digits, `-` and `.`, at most 253. */
export const name = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
    error:
      'must be lower case letters, digits, - and ., starting and ending with a letter or digit',
  })

/** ref names another object (a channel, a rule, a user, a token): no spaces, at most 128. */
export const ref = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(128, { error: 'must be at most 128 characters' })
  .regex(/^[A-Za-z0-9*][A-Za-z0-9_.:@*-]*$/, {
    error: 'must be letters, digits, _ . : @ - (and * as a wildcard)',
  })

/** glob is a name pattern where `*` matches any run of characters (`prod-*`). */
export const glob = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(/^[A-Za-z0-9*?][A-Za-z0-9_.*?-]*$/, {
    error: 'must be a name or a glob such as prod-* (letters, digits, - _ . * ?)',
  })

/** labelName is a Prometheus label name. */
export const labelName = z
  .string()
  .max(128, { error: 'must be at most 128 characters' })
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'must match [a-zA-Z_][a-zA-Z0-9_]*' })

/** template is a string that may hold `{{ ... }}` placeholders; they must be closed. */
export const template = z
  .string({ error: 'must be a string' })
  .max(4096, { error: 'must be at most 4096 characters' })
  .refine(balanced, { error: 'has an unclosed {{ or a stray }}' })

function balanced(text: string): boolean {
  let open = false
  for (let i = 0; i < text.length - 1; i++) {
    const pair = text.slice(i, i + 2)
    if (pair === '{{') {
      if (open) return false
      open = true
      i++
    } else if (pair === '}}') {
      if (!open) return false
      open = false
      i++
    }
  }
  return !open
}

/** bounded is a record of at most `max` entries. */
export function bounded<K extends z.core.$ZodRecordKey, V extends z.ZodType>(
  key: K,
  value: V,
  max: number,
) {
  return z
    .record(key, value)
    .refine((r) => Object.keys(r).length <= max, { error: `at most ${max} entries` })
}

/** labels are label name → value (for the incident an alert opens). */
export const labels = bounded(labelName, template, 50)

/** list is an array of `item`, between `min` and `max` long. */
export function list<T extends z.ZodType>(item: T, min: number, max: number) {
  return z
    .array(item, { error: 'must be a list' })
    .min(min, { error: min === 1 ? 'must not be empty' : `at least ${min} items` })
    .max(max, { error: `at most ${max} items` })
}

/** oneOrMany accepts `x` or `[x, ...]` and gives a list. */
export function oneOrMany<T extends z.ZodType>(item: T, max: number) {
  return z.union([item.transform((x) => [x]), list(item, 1, max)], {
    error: 'must be a value or a list of values',
  })
}

/** promql is a PromQL-subset expression that parses with the metrics engine's parser. */
export const promql = z
  .string({ error: 'must be a PromQL expression' })
  .min(1, { error: 'must not be empty' })
  .max(10_000, { error: 'must be at most 10000 characters' })
  .superRefine((text, ctx) => {
    try {
      parse(text)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not valid PromQL: ${(err as Error).message}` })
    }
  })

/** selector is one PromQL series selector (`cpu{host="a"}`), read into its matchers. */
export const selector = z
  .string({ error: 'must be a series selector such as cpu{host="a"}' })
  .max(10_000)
  .transform((text, ctx): Matcher[] => {
    try {
      const expr = parse(text)
      if (expr.kind === 'vectorSelector') return expr.matchers
      ctx.addIssue({ code: 'custom', message: 'must be a series selector such as cpu{host="a"}' })
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid selector: ${(err as Error).message}` })
    }
    return z.NEVER
  })
