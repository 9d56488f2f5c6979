/**
 * The PromQL evaluator: evaluates a parsed expression over data already fetched for the requests
 * of `selectionsOf`, at one instant or at every step of a range, and shapes the answer like
 * Prometheus's HTTP API (`matrix`, `vector`, `scalar`, `string`, values as strings). It is pure:
 * time comes in as parameters and all I/O happened before. Selectors use the lookback window
 * (t - lookback, t] and honour staleness markers; the operator modules do the rest.
 */
import type { Labels, SeriesColumns, SeriesData } from '../types.ts'
import { evalAggregate } from './aggregate.ts'
import { typeOf, type Expr, type VectorSelector } from './ast.ts'
import { evalBinary } from './binary.ts'
import { PromqlError } from './errors.ts'
import { dropMetricName, emptyLabels, formatValue, labelsKey, sortByLabels } from './format.ts'
import { evalCall } from './functions.ts'
import { forEachSelector, requestFor, selectionKey } from './plan.ts'
import {
  assertUniqueLabels,
  instantValue,
  loadSeries,
  windowOf,
  type EvalContext,
  type Grid,
  type Loaded,
  type Value,
  type VSample,
} from './series.ts'

/** MatrixResult is a range query's answer (or an instant query of a range vector). */
export interface MatrixResult {
  resultType: 'matrix'
  result: { metric: Labels; values: [number, string][] }[]
}

/** VectorResult is an instant query's answer for an instant vector expression. */
export interface VectorResult {
  resultType: 'vector'
  result: { metric: Labels; value: [number, string] }[]
}

/** ScalarResult is an instant query's answer for a scalar expression. */
export interface ScalarResult {
  resultType: 'scalar'
  result: [number, string]
}

/** StringResult is an instant query's answer for a string literal. */
export interface StringResult {
  resultType: 'string'
  result: [number, string]
}

/** QueryResult mirrors the `data` of Prometheus's query API. */
export type QueryResult = MatrixResult | VectorResult | ScalarResult | StringResult

/** RangeParams are a range query's bounds and step (ms) and the lookback window (ms). */
export interface RangeParams {
  start: number
  end: number
  step: number
  lookbackMs: number
}

/** InstantParams are an instant query's evaluation time (ms) and lookback window (ms). */
export interface InstantParams {
  time: number
  lookbackMs: number
}

/** maxPointsPerSeries is Prometheus's limit on the steps of a range query. */
export const maxPointsPerSeries = 11_000

class Evaluator implements EvalContext {
  private readonly loaded = new Map<VectorSelector, Loaded[]>()
  readonly state = new WeakMap<object, unknown>()

  constructor(
    expr: Expr,
    data: Map<string, (SeriesData | SeriesColumns)[]>,
    start: number,
    end: number,
    readonly lookbackMs: number,
    readonly grid: Grid,
  ) {
    const byKey = new Map<string, Loaded[]>()
    forEachSelector(expr, (selector, rangeMs) => {
      const key = selectionKey(requestFor(selector, rangeMs, start, end, lookbackMs))
      let series = byKey.get(key)
      if (!series) {
        series = loadSeries(data.get(key) ?? [])
        byKey.set(key, series)
      }
      this.loaded.set(selector, series)
    })
  }

  seriesOf(selector: VectorSelector): Loaded[] {
    return this.loaded.get(selector) ?? []
  }

  eval(expr: Expr, t: number): Value {
    switch (expr.kind) {
      case 'number':
        return { kind: 'scalar', v: expr.value }
      case 'string':
        return { kind: 'string', s: expr.value }
      case 'paren':
        return this.eval(expr.expr, t)
      case 'unary':
        return this.evalUnary(expr.op, expr.expr, t, expr.pos)
      case 'vectorSelector':
        return this.evalSelector(expr, t)
      case 'matrixSelector':
        return this.evalMatrix(expr.selector, expr.range, t)
      case 'call':
        return evalCall(this, expr, t)
      case 'aggregate':
        return evalAggregate(this, expr, t)
      case 'binary':
        return evalBinary(this, expr, t)
    }
  }

  private evalUnary(op: '-' | '+', operand: Expr, t: number, pos: number): Value {
    const v = this.eval(operand, t)
    if (op === '+') return v
    if (v.kind === 'scalar') return { kind: 'scalar', v: -v.v }
    if (v.kind !== 'vector') throw new PromqlError('unary minus needs a scalar or vector', pos)
    const samples = v.samples.map((s) => ({ labels: dropMetricName(s.labels), v: -s.v }))
    assertUniqueLabels(samples, pos)
    return { kind: 'vector', samples }
  }

  private evalSelector(selector: VectorSelector, t: number): Value {
    const at = t - selector.offset
    const samples: VSample[] = []
    for (const s of this.seriesOf(selector)) {
      const v = instantValue(s, at, this.lookbackMs)
      if (v !== undefined) samples.push({ labels: s.labels, v })
    }
    return { kind: 'vector', samples }
  }

  private evalMatrix(selector: VectorSelector, rangeMs: number, t: number): Value {
    const end = t - selector.offset
    const series: SeriesData[] = []
    for (const s of this.seriesOf(selector)) {
      const { lo, hi } = windowOf(s, end, rangeMs)
      if (hi <= lo) continue
      const samples = []
      for (let i = lo; i < hi; i++) samples.push({ t: s.fts[i]!, v: s.fvs[i]! })
      series.push({ labels: s.labels, samples })
    }
    return { kind: 'matrix', series }
  }
}

function checkLookback(lookbackMs: number): void {
  if (!(lookbackMs > 0)) throw new PromqlError('lookback delta must be positive')
}

/**
 * RangeSeries is one output series of a range query as columns: the step indices where it has a
 * value (ascending) and the values there.
 */
export interface RangeSeries {
  metric: Labels
  steps: number[]
  values: number[]
}

/** RangeColumns is a range query's answer in columns, series ordered by labels like Prometheus. */
export interface RangeColumns {
  grid: Grid
  series: RangeSeries[]
}

/** evaluateRangeColumns evaluates expr at steps start + k·step up to end, answering in columns. */
export function evaluateRangeColumns(
  expr: Expr,
  data: Map<string, (SeriesData | SeriesColumns)[]>,
  params: RangeParams,
): RangeColumns {
  const { start, end, step, lookbackMs } = params
  checkLookback(lookbackMs)
  if (!(step > 0))
    throw new PromqlError('zero or negative query resolution step widths are not accepted')
  if (end < start) throw new PromqlError('end timestamp must not be before start time')
  if (Math.floor((end - start) / step) > maxPointsPerSeries) {
    throw new PromqlError(
      'exceeded maximum resolution of 11,000 points per timeseries. ' +
        'Try decreasing the query resolution (?step=XX)',
    )
  }
  const type = typeOf(expr)
  if (type !== 'scalar' && type !== 'vector') {
    const name = type === 'matrix' ? 'range vector' : 'string'
    throw new PromqlError(
      `invalid expression type "${name}" for range query, must be Scalar or instant Vector`,
      expr.pos,
    )
  }
  const grid = { start, step, count: Math.floor((end - start) / step) + 1 }
  const ev = new Evaluator(expr, data, start, end, lookbackMs, grid)
  const series = new Map<string, RangeSeries>()
  // Label objects are reused from step to step: find each one's series once, not once per point.
  const byLabels = new WeakMap<Labels, RangeSeries>()
  const add = (labels: Labels, k: number, v: number): void => {
    let s = byLabels.get(labels)
    if (s === undefined) {
      const key = labelsKey(labels)
      s = series.get(key)
      if (!s) series.set(key, (s = { metric: labels, steps: [], values: [] }))
      byLabels.set(labels, s)
    }
    s.steps.push(k)
    s.values.push(v)
  }
  for (let k = 0; k < grid.count; k++) {
    const value = ev.eval(expr, start + k * step)
    if (value.kind === 'scalar') add(emptyLabels, k, value.v)
    else if (value.kind === 'vector') for (const s of value.samples) add(s.labels, k, s.v)
  }
  const sorted = sortByLabels([...series.values()], (s) => s.metric)
  return { grid, series: sorted.map((s) => ({ ...s, metric: { ...s.metric } })) }
}

/** toMatrix turns columns into Prometheus's matrix shape, values as strings. */
export function toMatrix(columns: RangeColumns): MatrixResult {
  const { start, step } = columns.grid
  return {
    resultType: 'matrix',
    result: columns.series.map((s) => ({
      metric: s.metric,
      values: s.steps.map((k, i) => [(start + k * step) / 1000, formatValue(s.values[i]!)]),
    })),
  }
}

/** evaluateRange evaluates expr at steps start + k·step up to end, as a Prometheus range query. */
export function evaluateRange(
  expr: Expr,
  data: Map<string, (SeriesData | SeriesColumns)[]>,
  params: RangeParams,
): MatrixResult {
  return toMatrix(evaluateRangeColumns(expr, data, params))
}

/** evaluateInstant evaluates expr at one time, as a Prometheus instant query. */
export function evaluateInstant(
  expr: Expr,
  data: Map<string, (SeriesData | SeriesColumns)[]>,
  params: InstantParams,
): QueryResult {
  const { time, lookbackMs } = params
  checkLookback(lookbackMs)
  const ev = new Evaluator(expr, data, time, time, lookbackMs, { start: time, step: 1, count: 1 })
  const value = ev.eval(expr, time)
  const ts = time / 1000
  switch (value.kind) {
    case 'scalar':
      return { resultType: 'scalar', result: [ts, formatValue(value.v)] }
    case 'string':
      return { resultType: 'string', result: [ts, value.s] }
    case 'vector':
      return {
        resultType: 'vector',
        result: value.samples.map((s) => ({
          metric: { ...s.labels },
          value: [ts, formatValue(s.v)] as [number, string],
        })),
      }
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => ({
          metric: { ...s.labels },
          values: s.samples.map((p) => [p.t / 1000, formatValue(p.v)] as [number, string]),
        })),
      }
  }
}
