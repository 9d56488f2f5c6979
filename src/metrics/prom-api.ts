/**
 * The Prometheus HTTP API under `/prometheus/api/v1`: query, query_range, series, labels and label
 * values, with Prometheus's JSON envelope and error format, so Grafana's Prometheus data source and
 * `promtool query` work against vigil. Parameters may come in the query string or a form body.
 */
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../app-env.ts'
import { auditRead } from '../audit/record.ts'
import { requires } from '../auth/guard.ts'
import { AppError } from '../errors.ts'
import { VERSION } from '../version.ts'
import { matrixJson } from './promql/json.ts'
import { parse, PromqlError } from './promql/parser.ts'
import { maxPoints, parseStep, queryInstant, queryRange } from './query.ts'
import type { Matcher } from './types.ts'

class BadData extends Error {}

async function params(c: Context<AppEnv>): Promise<URLSearchParams> {
  const out = new URLSearchParams(new URL(c.req.url).search)
  if (c.req.method === 'POST') {
    const type = c.req.header('content-type') ?? ''
    if (type.startsWith('application/x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(await c.req.text())) out.append(k, v)
    }
  }
  return out
}

/** parseTime reads Prometheus's time parameter: RFC 3339 or Unix seconds (fractions allowed). */
export function parseTime(text: string | null, fallback: number, name: string): number {
  if (text === null || text === '') return fallback
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const ms = Date.parse(text)
  if (Number.isNaN(ms))
    throw new BadData(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`)
  return ms
}

function stepParam(text: string | null): number {
  if (!text) throw new BadData('invalid parameter "step": missing')
  const ms = parseStep(text)
  if (ms === undefined) {
    throw new BadData(`invalid parameter "step": cannot parse "${text}" to a valid duration`)
  }
  return ms
}

function ok(c: Context, data: unknown) {
  return c.json({ status: 'success', data })
}

/** promErrors wraps a handler so errors come back in Prometheus's shape. */
function promErrors(handler: (c: Context<AppEnv>) => Promise<Response>) {
  return async (c: Context<AppEnv>) => {
    try {
      return await handler(c)
    } catch (err) {
      if (err instanceof BadData || err instanceof PromqlError) {
        return c.json({ status: 'error', errorType: 'bad_data', error: err.message }, 400)
      }
      if (err instanceof AppError && err.status < 500) {
        return c.json(
          { status: 'error', errorType: 'bad_data', error: err.message },
          err.status as 400,
        )
      }
      throw err
    }
  }
}

function selectorMatchers(selector: string): Matcher[] {
  const expr = parse(selector)
  if (expr.kind !== 'vectorSelector') {
    throw new BadData(`invalid parameter "match[]": ${selector} is not a series selector`)
  }
  return expr.matchers
}

function matchedIds(c: Context<AppEnv>, selectors: string[]): number[] | undefined {
  if (selectors.length === 0) return undefined
  const index = c.var.deps.metricsEngine.index
  const ids = new Set<number>()
  for (const s of selectors) for (const id of index.match(selectorMatchers(s))) ids.add(id)
  return [...ids].sort((a, b) => a - b)
}

const read = requires('metrics:read')

/** promApiRoutes is mounted at `/prometheus/api/v1` (and the same paths under `/api/v1` are not used). */
export const promApiRoutes = new Hono<AppEnv>()

const queryHandler = promErrors(async (c) => {
  const p = await params(c)
  const query = p.get('query')
  if (!query) throw new BadData('invalid parameter "query": missing')
  const time = parseTime(p.get('time'), c.var.deps.now(), 'time')
  const result = await queryInstant(c.var.deps.metricsEngine, query, time)
  await auditRead(c, 'metrics.query', { query, time, api: 'prometheus' })
  return ok(c, result)
})

const rangeHandler = promErrors(async (c) => {
  const p = await params(c)
  const query = p.get('query')
  if (!query) throw new BadData('invalid parameter "query": missing')
  const start = parseTime(p.get('start'), Number.NaN, 'start')
  const end = parseTime(p.get('end'), Number.NaN, 'end')
  if (Number.isNaN(start)) throw new BadData('invalid parameter "start": missing')
  if (Number.isNaN(end)) throw new BadData('invalid parameter "end": missing')
  if (end < start)
    throw new BadData('invalid parameter "end": end timestamp must not be before start time')
  const step = stepParam(p.get('step'))
  if ((end - start) / step > maxPoints) {
    throw new BadData(
      `exceeded maximum resolution of ${maxPoints} points per timeseries. Try decreasing the query resolution (?step=XX)`,
    )
  }
  const result = await queryRange(c.var.deps.metricsEngine, query, start, end, step)
  await auditRead(c, 'metrics.query', { query, start, end, step, api: 'prometheus' })
  return c.body(`{"status":"success","data":${matrixJson(result)}}`, 200, {
    'Content-Type': 'application/json',
  })
})

const seriesHandler = promErrors(async (c) => {
  const p = await params(c)
  const selectors = p.getAll('match[]')
  if (selectors.length === 0) throw new BadData('no match[] parameter provided')
  const index = c.var.deps.metricsEngine.index
  return ok(
    c,
    (matchedIds(c, selectors) ?? []).map((id) => index.labels(id)),
  )
})

const labelsHandler = promErrors(async (c) => {
  const p = await params(c)
  return ok(c, c.var.deps.metricsEngine.index.labelNames(matchedIds(c, p.getAll('match[]'))))
})

const valuesHandler = promErrors(async (c) => {
  const p = await params(c)
  const name = c.req.param('name')!
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new BadData(`invalid label name: "${name}"`)
  return ok(c, c.var.deps.metricsEngine.index.labelValues(name, matchedIds(c, p.getAll('match[]'))))
})

promApiRoutes
  .get('/query', read, queryHandler)
  .post('/query', read, queryHandler)
  .get('/query_range', read, rangeHandler)
  .post('/query_range', read, rangeHandler)
  .get('/series', read, seriesHandler)
  .post('/series', read, seriesHandler)
  .get('/labels', read, labelsHandler)
  .post('/labels', read, labelsHandler)
  .get('/label/:name/values', read, valuesHandler)
  .get('/status/buildinfo', read, (c) =>
    ok(c, {
      version: '2.42.0',
      revision: `vigil-${VERSION}`,
      branch: 'vigil',
      buildUser: 'vigil',
      buildDate: '',
      goVersion: '',
    }),
  )
  .get('/metadata', read, (c) => ok(c, {}))
