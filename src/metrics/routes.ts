/**
 * Metrics over HTTP: native JSON ingest, the host agent's snapshot, and vigil's own query API for
 * the dashboard. Ingest answers once the batch is durable; refused samples are listed by index.
 */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { ValidationError } from '../errors.ts'
import { readJsonBody } from '../http/body.ts'
import { instant, limit } from '../http/params.ts'
import { parseQuery } from '../http/validate.ts'
import { agentSnapshotSchema, snapshotToSamples } from './agent-snapshot.ts'
import type { IngestError } from './engine.ts'
import { maxPoints, parseStep, queryRange } from './query.ts'
import { validateSample, type RawSample, type ValidSample } from './validate.ts'

/** maxBatch is the most samples one ingest request may carry. */
export const maxBatch = 200_000

const nativeBody = z.object({
  samples: z.array(z.unknown()).max(maxBatch, { error: `at most ${maxBatch} samples per request` }),
})

/** ingestSamples validates raw samples, stores the valid ones and builds the reply. */
export async function ingestSamples(c: Context<AppEnv>, raw: RawSample[]) {
  const { metricsEngine, metricsReport, config, now } = c.var.deps
  // Ingest is counted in metrics, not written to the audit trail batch by batch.
  c.set('audited', true)
  const limits = {
    maxLabels: config.ingest.maxLabels,
    maxNameBytes: config.ingest.maxNameBytes,
    maxValueBytes: config.ingest.maxValueBytes,
    maxAgeMs: config.metrics.retentionRawMs,
    maxFutureMs: config.ingest.maxFutureMs,
  }
  const at = now()
  const valid: ValidSample[] = []
  const positions: number[] = []
  const errors: IngestError[] = []
  raw.forEach((sample, index) => {
    const result = validateSample(sample, at, limits)
    if (result.ok) {
      valid.push(result.sample)
      positions.push(index)
    } else {
      errors.push({ index, reason: result.reason, message: result.message })
      metricsReport.rejected(result.reason, 1)
    }
  })
  const owner = c.var.principal!.name
  const stored = valid.length
    ? await metricsEngine.ingest(valid, owner)
    : { accepted: 0, errors: [] }
  for (const e of stored.errors) errors.push({ ...e, index: positions[e.index]! })
  errors.sort((a, b) => a.index - b.index)
  const reply = {
    accepted: stored.accepted,
    rejected: errors.length,
    errors: errors
      .slice(0, 100)
      .map((e) => ({ index: e.index, reason: e.reason, message: e.message })),
  }
  if (stored.accepted === 0) {
    throw new ValidationError(
      raw.length === 0
        ? 'the batch has no samples'
        : `none of the ${raw.length} samples was accepted`,
      { code: 'no_samples_accepted', details: reply },
    )
  }
  return c.json(reply)
}

const query = z.object({
  query: z.string().min(1, { error: 'is required' }).max(10_000),
  start: instant.optional(),
  end: instant.optional(),
  step: z.string().max(20).optional(),
})

function stepMs(text: string | undefined, start: number, end: number): number {
  if (text === undefined || text === '')
    return Math.max(1000, Math.ceil((end - start) / 300 / 1000) * 1000)
  const ms = parseStep(text)
  if (ms === undefined) throw new ValidationError('step must be a duration such as 15s or seconds')
  return ms
}

/** metricsRoutes is mounted at the root of the app. */
export const metricsRoutes = new Hono<AppEnv>()
  .post('/api/v1/ingest/metrics', requires('ingest:write'), async (c) => {
    const { config } = c.var.deps
    const body = await readJsonBody(c, config.ingest.maxBodyBytes, 'VIGIL_INGEST_MAX_BODY')
    const parsed = nativeBody.safeParse(body)
    if (!parsed.success) {
      throw new ValidationError(
        `body: ${parsed.error.issues[0]?.message ?? 'invalid'}; expected {"samples":[...]}`,
        {
          code: 'malformed_body',
        },
      )
    }
    return ingestSamples(c, parsed.data.samples as RawSample[])
  })
  .post('/agent/metrics', requires('ingest:write'), async (c) => {
    const body = await readJsonBody(
      c,
      c.var.deps.config.ingest.maxBodyBytes,
      'VIGIL_INGEST_MAX_BODY',
    )
    const parsed = agentSnapshotSchema.safeParse(body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new ValidationError(
        `snapshot: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        {
          code: 'malformed_body',
          details: {
            issues: parsed.error.issues.map((i) => ({
              path: i.path.join('.'),
              message: i.message,
            })),
          },
        },
      )
    }
    return ingestSamples(c, snapshotToSamples(parsed.data))
  })
  .get('/api/v1/metrics/query', requires('metrics:read'), async (c) => {
    const q = parseQuery(c, query)
    const end = q.end ?? c.var.deps.now()
    const start = q.start ?? end - 3600_000
    if (start > end) throw new ValidationError('start must not be after end')
    const step = stepMs(q.step, start, end)
    if ((end - start) / step > maxPoints) {
      throw new ValidationError(
        `too many points: ${Math.ceil((end - start) / step)} per series, at most ${maxPoints}; raise step`,
      )
    }
    const result = await queryRange(c.var.deps.metricsEngine, q.query, start, end, step)
    await auditRead(c, 'metrics.query', { query: q.query, start, end })
    return c.json({
      start,
      end,
      step,
      series: result.series.map((r) => ({
        labels: r.metric,
        points: r.steps.map((k, i) => [start + k * step, r.values[i]]),
      })),
    })
  })
  .get('/api/v1/metrics/names', requires('metrics:read'), (c) =>
    c.json({ names: c.var.deps.metricsEngine.index.labelValues('__name__') }),
  )
  .get('/api/v1/metrics/labels', requires('metrics:read'), (c) => {
    const q = parseQuery(
      c,
      z.object({ metric: z.string().max(200).optional(), limit: limit(100, 1000) }),
    )
    const index = c.var.deps.metricsEngine.index
    const ids = q.metric ? index.match([{ name: '__name__', op: '=', value: q.metric }]) : undefined
    const labels: Record<string, string[]> = {}
    for (const name of index.labelNames(ids)) {
      if (name !== '__name__') labels[name] = index.labelValues(name, ids).slice(0, q.limit)
    }
    return c.json({ labels })
  })
