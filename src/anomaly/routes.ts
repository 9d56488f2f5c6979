/**
 * Anomalies over HTTP: the stored ones (newest first, cursor paging), scoring points a caller
 * brings against stored history, and the band and markers the Metrics chart draws.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { instant, limit } from '../http/params.ts'
import { parseJson, parseQuery } from '../http/validate.ts'
import { parse } from '../metrics/promql/parser.ts'
import { nameRe } from '../metrics/series-key.ts'
import type { Matcher } from '../metrics/types.ts'
import { createSeries } from './detect.ts'
import { detectPoints, summary } from './on-demand.ts'
import { band } from './replay.ts'
import { isCounterName, seriesText } from './service.ts'
import { severities } from './severity.ts'
import type { StoredAnomaly } from './store.ts'

/** presentAnomaly is an anomaly as the API shows it: times in RFC 3339. */
export function presentAnomaly(a: StoredAnomaly) {
  return {
    id: a.id,
    ts: new Date(a.ts).toISOString(),
    series: a.series,
    labels: a.labels,
    score: a.score,
    severity: a.severity,
    component: a.component,
    value: a.value,
    expected: a.expected,
    explanation: a.explanation,
    detected_at: new Date(a.detectedAt).toISOString(),
  }
}

/** selector reads one PromQL series selector into its matchers. */
const selector = z
  .string()
  .max(10_000)
  .transform((text, ctx): Matcher[] => {
    try {
      const expr = parse(text)
      if (expr.kind === 'vectorSelector') return expr.matchers
      ctx.addIssue({ code: 'custom', message: 'must be a series selector such as cpu{host="a"}' })
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message })
    }
    return z.NEVER
  })

const anomaliesQuery = z.object({
  since: instant.optional(),
  until: instant.optional(),
  series: selector.optional(),
  min_severity: z.enum(severities, { error: `must be one of ${severities.join(', ')}` }).optional(),
  limit: limit(100, 10_000),
  cursor: z.string().max(100).optional(),
})

const name = z
  .string()
  .max(128, { error: 'at most 128 bytes' })
  .regex(nameRe, { error: 'must match [a-zA-Z_:][a-zA-Z0-9_:]*' })

/** maxDetectPoints bounds one `detect-anomaly` request. */
export const maxDetectPoints = 1000

const detectBody = z.object({
  metrics: z
    .array(
      z.object({
        metric_type: name,
        value: z.number({ error: 'must be a number' }).finite({ error: 'must be finite' }),
        timestamp: z.union([instant, z.number().int().min(0).max(8.64e15)]).optional(),
        labels: z
          .record(name, z.string().max(1024, { error: 'at most 1024 bytes' }))
          .refine((l) => Object.keys(l).length <= 30, { error: 'at most 30 labels' })
          .default({}),
      }),
    )
    .min(1, { error: 'must hold at least one point' })
    .max(maxDetectPoints, { error: `at most ${maxDetectPoints} points per request` }),
})

const overlayQuery = z.object({
  query: z.string().min(1, { error: 'must not be empty' }).max(10_000),
  start: instant,
  end: instant,
})

/** Series an overlay draws, points of a band, and the longest range that gets a band. */
const overlaySeries = 5
const bandPoints = 600
const bandRangeMs = 7 * 86_400_000
const bandWarmMs = 6 * 3600_000

/** anomalyRoutes is mounted at the root of the app. */
export const anomalyRoutes = new Hono<AppEnv>()
  .get('/api/v1/anomalies', requires('anomalies:read'), async (c) => {
    const q = parseQuery(c, anomaliesQuery)
    const page = await c.var.deps.anomalies.query({ ...q, minSeverity: q.min_severity })
    await auditRead(c, 'anomalies.query', { since: q.since, returned: page.anomalies.length })
    return c.json({ ...page, anomalies: page.anomalies.map(presentAnomaly) })
  })
  .post('/api/v1/detect-anomaly', requires('anomalies:read'), async (c) => {
    const body = await parseJson(c, detectBody)
    const { metricsEngine, now } = c.var.deps
    const at = now()
    const points = body.metrics.map((m, index) => ({
      index,
      name: m.metric_type,
      labels: m.labels,
      t: m.timestamp ?? at,
      v: m.value,
    }))
    const verdicts = await detectPoints(metricsEngine, points)
    // Scoring stores nothing: it is read access to the history, audited as such.
    c.set('audited', true)
    await auditRead(c, 'anomalies.detect', { points: points.length })
    return c.json(summary(verdicts))
  })
  .get('/api/v1/anomalies/overlay', requires('anomalies:read'), async (c) => {
    const q = parseQuery(c, overlayQuery)
    let matchers: Matcher[] | undefined
    try {
      const expr = parse(q.query)
      if (expr.kind === 'vectorSelector') matchers = expr.matchers
    } catch {
      // Not valid PromQL: the chart reports that itself; there is nothing to overlay.
    }
    if (!matchers) return c.json({ series: [], note: 'bands need a plain series selector' })
    const { metricsEngine, anomalies } = c.var.deps
    const ids = metricsEngine.index.match(matchers).slice(0, overlaySeries)
    const withBand = q.end - q.start <= bandRangeMs
    const history = withBand
      ? await metricsEngine.selectIds(ids, q.start - bandWarmMs, q.end)
      : new Map()
    const stored = await anomalies.forSeries(ids, q.start, q.end)
    const series = ids.map((id) => {
      const labels = metricsEngine.index.labels(id)!
      const h = history.get(id)
      const gauge = !isCounterName(labels.__name__ ?? '')
      const points = h && gauge ? band(createSeries(), h.ts, h.vs, q.start) : []
      const every = Math.max(1, Math.ceil(points.length / bandPoints))
      return {
        labels,
        series: seriesText(labels),
        band: points.filter((_, i) => i % every === 0).map((p) => [p.t, p.low, p.high]),
        anomalies: stored.filter((a) => a.seriesId === id).map(presentAnomaly),
      }
    })
    return c.json({ series })
  })
