/**
 * Test helpers for the PromQL tests: an in-memory "store" that answers the SelectRequests of
 * `selectionsOf` the way the real engine does (matchers applied, samples cut to [start, end]),
 * so every evaluation test also exercises the planned windows.
 */
import {
  evaluateInstant,
  evaluateRange,
  type QueryResult,
} from '../../../src/metrics/promql/evaluate.ts'
import { parse } from '../../../src/metrics/promql/parser.ts'
import { selectionKey, selectionsOf } from '../../../src/metrics/promql/plan.ts'
import type {
  Labels,
  Matcher,
  Sample,
  SeriesData,
  SelectRequest,
} from '../../../src/metrics/types.ts'

/** lookback is Prometheus's default lookback delta, 5 minutes. */
export const lookback = 5 * 60_000

/** matches tells whether labels satisfy one matcher (regexes fully anchored, like PromQL). */
export function matches(labels: Labels, m: Matcher): boolean {
  const value = labels[m.name] ?? ''
  switch (m.op) {
    case '=':
      return value === m.value
    case '!=':
      return value !== m.value
    case '=~':
      return new RegExp(`^(?:${m.value})$`, 'su').test(value)
    case '!~':
      return !new RegExp(`^(?:${m.value})$`, 'su').test(value)
  }
}

/** select answers one request from an in-memory series list. */
export function select(all: SeriesData[], req: SelectRequest): SeriesData[] {
  return all
    .filter((s) => req.matchers.every((m) => matches(s.labels, m)))
    .map((s) => ({
      labels: s.labels,
      samples: s.samples.filter((p) => p.t >= req.start && p.t <= req.end),
    }))
    .filter((s) => s.samples.length > 0)
}

/** fetch builds the data map evaluate expects for a query over [start, end]. */
export function fetch(query: string, all: SeriesData[], start: number, end: number) {
  const expr = parse(query)
  const data = new Map<string, SeriesData[]>()
  for (const req of selectionsOf(expr, start, end, lookback)) {
    data.set(selectionKey(req), select(all, req))
  }
  return { expr, data }
}

/** instant runs an instant query at time (ms) against in-memory series. */
export function instant(query: string, all: SeriesData[], time: number): QueryResult {
  const { expr, data } = fetch(query, all, time, time)
  return evaluateInstant(expr, data, { time, lookbackMs: lookback })
}

/** range runs a range query against in-memory series. */
export function range(query: string, all: SeriesData[], start: number, end: number, step: number) {
  const { expr, data } = fetch(query, all, start, end)
  return evaluateRange(expr, data, { start, end, step, lookbackMs: lookback })
}

/** series builds a series from labels and [seconds, value] pairs. */
export function series(labels: Labels, points: [number, number][]): SeriesData {
  const samples: Sample[] = points.map(([s, v]) => ({ t: s * 1000, v }))
  return { labels, samples }
}

/** every builds [seconds, value] pairs from start every `interval` seconds for the given values. */
export function every(start: number, interval: number, values: number[]): [number, number][] {
  return values.map((v, i) => [start + i * interval, v])
}

/** vectorOf flattens an instant vector result into `labels => value` strings, in result order. */
export function vectorOf(result: QueryResult): string[] {
  if (result.resultType !== 'vector') throw new Error(`expected a vector, got ${result.resultType}`)
  return result.result.map((r) => `${labelString(r.metric)} => ${r.value[1]}`)
}

/** labelString prints labels compactly and sorted: `{a="1",b="2"}`. */
export function labelString(labels: Labels): string {
  const names = Object.keys(labels).sort()
  return `{${names.map((n) => `${n}="${labels[n]}"`).join(',')}}`
}

/** scalarOf returns the value string of a scalar result. */
export function scalarOf(result: QueryResult): string {
  if (result.resultType !== 'scalar') throw new Error(`expected a scalar, got ${result.resultType}`)
  return result.result[1]
}
