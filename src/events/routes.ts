/** Events over HTTP: native JSON ingest and the newest-first query with cursor paging. */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { instant, limit } from '../http/params.ts'
import { parseQuery } from '../http/validate.ts'
import { ingestRecords, readBatch } from '../ingest/reply.ts'
import { eventLimits, normalizeSeverity, validateEvent } from './normalize.ts'
import type { EventRecord, StoredEvent } from './types.ts'

/** presentEvent is an event as the API shows it: `ts` in RFC 3339. */
export function presentEvent(event: EventRecord | StoredEvent) {
  return { ...event, ts: new Date(event.ts).toISOString() }
}

const eventsQuery = z.object({
  source: z.string().max(128).optional(),
  kind: z.string().max(128).optional(),
  severity: z
    .string()
    .max(20)
    .transform((s, ctx) => {
      const severity = normalizeSeverity(s)
      if (!severity) {
        ctx.addIssue({ code: 'custom', message: 'must be info, warning, error or critical' })
        return z.NEVER
      }
      return severity
    })
    .optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: limit(100, 10_000),
  cursor: z.string().max(100).optional(),
})

/** eventsRoutes is mounted at the root of the app. */
export const eventsRoutes = new Hono<AppEnv>()
  .post('/api/v1/ingest/events', requires('ingest:write'), async (c) => {
    const { events, config } = c.var.deps
    const limits = eventLimits(config)
    const raw = await readBatch(c, 'events')
    return ingestRecords(
      c,
      raw,
      'events',
      (r, now) => {
        const result = validateEvent(r, now, limits)
        return result.ok ? { ok: true, value: result.event } : result
      },
      (list) => events.ingest(list),
    )
  })
  .get('/api/v1/events', requires('events:read'), async (c) => {
    const q = parseQuery(c, eventsQuery)
    const page = await c.var.deps.events.query(q)
    await auditRead(c, 'events.query', {
      source: q.source,
      kind: q.kind,
      severity: q.severity,
      since: q.since,
      returned: page.events.length,
    })
    return c.json({ ...page, events: page.events.map(presentEvent) })
  })
