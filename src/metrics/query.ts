/**
 * Running PromQL against the engine: parse, find the raw data the expression needs, fetch it,
 * evaluate. Shared by the Prometheus-compatible API and vigil's own dashboard API.
 */
import type { MetricsEngine } from './engine.ts'
import { parseDuration } from '../units.ts'
import { evaluateInstant, evaluateRangeColumns, maxPointsPerSeries } from './promql/evaluate.ts'
import { parse } from './promql/parser.ts'
import { selectionKey, selectionsOf } from './promql/plan.ts'
import type { SeriesColumns } from './types.ts'

/** lookbackMs is how far back an instant selector looks for a sample (Prometheus's default). */
export const lookbackMs = 5 * 60_000

/** maxPoints bounds the points per series of a range query, as Prometheus does. */
export const maxPoints = maxPointsPerSeries

/** parseStep reads a query step, a duration (`15s`) or seconds (`15`, `0.5`), into ms; undefined if neither. */
export function parseStep(text: string): number | undefined {
  const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseDuration(text)
  return ms === undefined || ms <= 0 ? undefined : ms
}

async function fetchData(engine: MetricsEngine, query: string, start: number, end: number) {
  const expr = parse(query)
  const data = new Map<string, SeriesColumns[]>()
  for (const request of selectionsOf(expr, start, end, lookbackMs)) {
    data.set(selectionKey(request), await engine.selectColumns(request))
  }
  return { expr, data }
}

/** queryRange evaluates `query` at every step from start to end (ms), answering in columns. */
export async function queryRange(
  engine: MetricsEngine,
  query: string,
  start: number,
  end: number,
  step: number,
) {
  const { expr, data } = await fetchData(engine, query, start, end)
  return evaluateRangeColumns(expr, data, { start, end, step, lookbackMs })
}

/** queryInstant evaluates `query` at one time (ms). */
export async function queryInstant(engine: MetricsEngine, query: string, time: number) {
  const { expr, data } = await fetchData(engine, query, time, time)
  return evaluateInstant(expr, data, { time, lookbackMs })
}
