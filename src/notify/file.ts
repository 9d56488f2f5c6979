/**
 * The notify file (VIGIL_NOTIFY_FILE): channels that are read-only in the API, and the routing
 * list. Read once at start; an invalid file stops vigil, naming the path of the problem.
 *
 *   channels:
 *     - {name: ops-webhook, type: webhook, config: {url: https://example.com/hook}, rate_limit: 30}
 *   routes:
 *     - {match: {team: web}, severity: [high, critical], channels: [ops-webhook], continue: false,
 *        repeat_interval: 1h, notify_resolved: true}
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { parseDuration } from '../units.ts'
import type { Route } from './route.ts'
import { channelTypes, severities, type ChannelType } from './types.ts'

/** channelName is how channels are named: letters, digits, `-` and `_`, up to 64. */
export const channelName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, {
  error: 'must be 1-64 letters, digits, - or _, starting with a letter or digit',
})

/** rateLimit is a channel's sends per minute; 0 is no limit. */
export const rateLimit = z.number().int().min(0).max(100_000).default(0)

/** FileChannel is a channel declared in the notify file, config not yet validated by type. */
export interface FileChannel {
  name: string
  type: ChannelType
  config: Record<string, unknown>
  rateLimit: number
}

const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a label name' })

const regex = z.string().transform((source, ctx) => {
  try {
    return new RegExp(`^(?:${source})$`)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(err as Error).message}` })
    return z.NEVER
  }
})

const interval = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v * 1000 : parseDuration(v)
  if (ms === undefined || ms < 0) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a duration such as 30m or 4h (0: no repeats)',
    })
    return z.NEVER
  }
  return ms
})

const routeSchema = z.strictObject({
  match: z.record(labelName, z.string()).default({}),
  match_re: z.record(labelName, regex).default({}),
  severity: z.array(z.enum(severities)).default([]),
  channels: z.array(channelName).min(1),
  continue: z.boolean().default(false),
  repeat_interval: interval.optional(),
  notify_resolved: z.boolean().default(true),
})

const fileSchema = z.strictObject({
  channels: z
    .array(
      z.strictObject({
        name: channelName,
        type: z.enum(channelTypes),
        config: z.record(z.string(), z.unknown()),
        rate_limit: rateLimit,
      }),
    )
    .default([]),
  routes: z.array(routeSchema).default([]),
})

/** NotifyFile is the parsed notify file. */
export interface NotifyFile {
  channels: FileChannel[]
  routes: Route[]
}

/** parseNotifyFile validates the text of a notify file; throws an Error naming the problem. */
export function parseNotifyFile(text: string, path: string): NotifyFile {
  let doc: unknown
  try {
    doc = parseYaml(text) ?? {}
  } catch (err) {
    throw new Error(`${path}: not valid YAML: ${(err as Error).message}`)
  }
  const result = fileSchema.safeParse(doc)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new Error(`${path}: ${issue.path.join('.')}: ${issue.message}`)
  }
  const names = new Set<string>()
  for (const c of result.data.channels) {
    if (names.has(c.name)) throw new Error(`${path}: channel ${c.name} is declared twice`)
    names.add(c.name)
  }
  return {
    channels: result.data.channels.map((c) => ({ ...c, rateLimit: c.rate_limit })),
    routes: result.data.routes.map((r) => ({
      match: r.match,
      matchRe: r.match_re,
      severities: r.severity,
      channels: r.channels,
      continue: r.continue,
      repeatIntervalMs: r.repeat_interval,
      notifyResolved: r.notify_resolved,
    })),
  }
}

/** readNotifyFile reads and parses the notify file; no file gives no channels and no routes. */
export function readNotifyFile(path: string | undefined): NotifyFile {
  if (!path) return { channels: [], routes: [] }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`VIGIL_NOTIFY_FILE: cannot read ${path}: ${(err as Error).message}`)
  }
  return parseNotifyFile(text, path)
}
