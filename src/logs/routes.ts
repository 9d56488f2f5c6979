/**
 * Logs over HTTP: native JSON ingest, the services list and the query with full-text search and
 * cursor paging. Times go out as RFC 3339. The live tail is in `stream-routes.ts`.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { parseQuery } from '../http/validate.ts'
import { ingestRecords, readBatch } from '../ingest/reply.ts'
import { logLimits, validateLog } from './normalize.ts'
import { logsQuery, serviceParam } from './params.ts'
import type { LogLine, StoredLog } from './types.ts'
import { ValidationError } from '../errors.ts'

/** presentLog is a line as the API shows it: `ts` in RFC 3339. */
export function presentLog(line: LogLine | StoredLog) {
  return { ...line, ts: new Date(line.ts).toISOString() }
}

/** pathService reads and checks the `:service` path parameter. */
export function pathService(text: string): string {
  const parsed = serviceParam.safeParse(text)
  if (!parsed.success) {
    throw new ValidationError(`service: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  }
  return parsed.data
}

/** logsRoutes is mounted at the root of the app. */
export const logsRoutes = new Hono<AppEnv>()
  .post('/api/v1/ingest/logs', requires('ingest:write'), async (c) => {
    const { logs, config } = c.var.deps
    const limits = logLimits(config)
    const raw = await readBatch(c, 'logs')
    return ingestRecords(
      c,
      raw,
      'log lines',
      (r, now) => {
        const result = validateLog(r, now, limits)
        return result.ok ? { ok: true, value: result.line } : result
      },
      (lines) => logs.ingest(lines),
    )
  })
  .get('/api/v1/logs/services', requires('logs:read'), async (c) => {
    const services = await c.var.deps.logs.services()
    await auditRead(c, 'logs.services')
    return c.json({
      services: services.map((s) => ({ ...s, last_seen: new Date(s.last_seen).toISOString() })),
    })
  })
  .get('/api/v1/logs/:service', requires('logs:read'), async (c) => {
    const service = pathService(c.req.param('service'))
    const q = parseQuery(c, logsQuery)
    if (q.start !== undefined && q.end !== undefined && q.start > q.end) {
      throw new ValidationError('start must not be after end')
    }
    const page = await c.var.deps.logs.query({ service, ...q, ...q.level })
    await auditRead(c, 'logs.query', {
      service,
      level: c.req.query('level'),
      search: q.search,
      start: q.start,
      end: q.end,
      returned: page.logs.length,
    })
    return c.json({ ...page, logs: page.logs.map(presentLog) })
  })
