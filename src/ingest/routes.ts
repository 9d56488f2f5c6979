/**
 * The plain ingest endpoints simple services already use: `POST /logs`, `/metrics`, `/events`
 * with `{"value":{...}}`, and `POST /gitopsd/events` for drift reports. Same reply as native ingest.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { requires } from '../auth/guard.ts'
import { ValidationError } from '../errors.ts'
import { readJsonBody } from '../http/body.ts'
import { eventLimits, validateEvent } from '../events/normalize.ts'
import { logLimits, validateLog } from '../logs/normalize.ts'
import { ingestSamples } from '../metrics/routes.ts'
import { driftEvent, plainLog, plainSamples, type DriftReport } from './plain.ts'
import { ingestRecords, readValue } from './reply.ts'

const driftReport = z.object({
  type: z.enum(['missing', 'mismatch', 'unexpected']),
  severity: z.string().max(20).optional(),
  resource: z.object({
    apiVersion: z.string().max(253).optional(),
    kind: z.string().min(1).max(63),
    namespace: z.string().max(253).optional(),
    name: z.string().min(1).max(253),
  }),
  details: z.record(z.string(), z.unknown()).optional(),
  ts: z.union([z.string(), z.number()]).optional(),
})

/** plainRoutes is mounted at the root of the app. */
export const plainRoutes = new Hono<AppEnv>()
  .post('/logs', requires('ingest:write'), async (c) => {
    const { logs, config } = c.var.deps
    const limits = logLimits(config)
    const value = await readValue(c)
    return ingestRecords(
      c,
      [plainLog(value)],
      'log lines',
      (r, now) => {
        const result = validateLog(r, now, limits)
        return result.ok ? { ok: true, value: result.line } : result
      },
      (lines) => logs.ingest(lines),
    )
  })
  .post('/metrics', requires('ingest:write'), async (c) =>
    ingestSamples(c, plainSamples(await readValue(c))),
  )
  .post('/events', requires('ingest:write'), async (c) => {
    const { events, config } = c.var.deps
    const limits = eventLimits(config)
    const value = await readValue(c)
    return ingestRecords(
      c,
      [value],
      'events',
      (r, now) => {
        const result = validateEvent(r, now, limits)
        return result.ok ? { ok: true, value: result.event } : result
      },
      (list) => events.ingest(list),
    )
  })
  .post('/gitopsd/events', requires('ingest:write'), async (c) => {
    const { events, config } = c.var.deps
    const body = await readJsonBody(c, config.ingest.maxBodyBytes, 'VIGIL_INGEST_MAX_BODY')
    const parsed = driftReport.safeParse(body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new ValidationError(
        `drift report: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        { code: 'malformed_body' },
      )
    }
    const limits = eventLimits(config)
    return ingestRecords(
      c,
      [driftEvent(parsed.data as DriftReport)],
      'events',
      (r, now) => {
        const result = validateEvent(r, now, limits)
        return result.ok ? { ok: true, value: result.event } : result
      },
      (list) => events.ingest(list),
    )
  })
