/**
 * The evaluator's runtime values, its view of the raw data and the helpers every operator module
 * shares. Selected series are copied once into shared typed-array buffers (all samples, and the
 * non-stale ones for range functions, with a running count of counter resets) and samples are
 * found by binary search — `seek` first steps a few samples on from a previous position — so a
 * range query costs about O(steps × series × log samples) plus the samples functions read.
 */
import type { Labels, SeriesColumns, SeriesData } from '../types.ts'
import type { Expr, VectorSelector } from './ast.ts'
import { PromqlError } from './errors.ts'
import { dropMetricName, labelsKey, sortByLabels } from './format.ts'

/** VSample is one element of an instant vector. */
export interface VSample {
  labels: Labels
  v: number
}

/** Value is the result of evaluating an expression at one step. */
export type Value =
  | { kind: 'scalar'; v: number }
  | { kind: 'string'; s: string }
  | { kind: 'vector'; samples: VSample[] }
  | { kind: 'matrix'; series: SeriesData[] }

/** Loaded is one selected series in search-friendly form. */
export interface Loaded {
  labels: Labels
  /** nameless is labels without `__name__`, what most functions return. */
  nameless: Labels
  /** ts and vs hold every sample, staleness markers (NaN) included. */
  ts: Float64Array
  vs: Float64Array
  /** fts and fvs hold the samples without staleness markers (views of ts and vs if none). */
  fts: Float64Array
  fvs: Float64Array
  /** resets[i] counts the counter resets (drops) among fvs[0..i]. */
  resets: Int32Array
}

/** EvalContext is what the operator modules need from the evaluator. */
export interface EvalContext {
  /** eval evaluates an expression at step time t (ms). */
  eval(expr: Expr, t: number): Value
  /** seriesOf returns the loaded series of a selector. */
  seriesOf(selector: VectorSelector): Loaded[]
  lookbackMs: number
  /** grid is the evaluation's steps; an instant query is a grid of one step. */
  grid: Grid
  /** state holds per-node working data that lives as long as this evaluation. */
  state: WeakMap<object, unknown>
}

/** Grid is the step times start + k·step of an evaluation, for k < count (ms). */
export interface Grid {
  start: number
  step: number
  count: number
}

/** assertUniqueLabels throws Prometheus's error if two samples of a vector share a label set. */
export function assertUniqueLabels(samples: VSample[], pos: number): void {
  if (samples.length < 2) return
  const seen = new Set<string>()
  for (const s of samples) {
    const key = labelsKey(s.labels)
    if (seen.has(key)) {
      throw new PromqlError('vector cannot contain metrics with the same labelset', pos)
    }
    seen.add(key)
  }
}

/** scalarArg evaluates an argument that the parser guarantees to be a scalar. */
export function scalarArg(ctx: EvalContext, expr: Expr, t: number): number {
  const v = ctx.eval(expr, t)
  if (v.kind !== 'scalar') throw new PromqlError('expected a scalar', expr.pos)
  return v.v
}

/** vectorArg evaluates an argument that the parser guarantees to be an instant vector. */
export function vectorArg(ctx: EvalContext, expr: Expr, t: number): VSample[] {
  const v = ctx.eval(expr, t)
  if (v.kind !== 'vector') throw new PromqlError('expected an instant vector', expr.pos)
  return v.samples
}

/**
 * loadSeries converts stored series into Loaded, ordered by labels like Prometheus's storage. The
 * stored columns are used as they are (they are never written to); only series with staleness
 * markers get filtered copies, and all reset counts share one buffer.
 */
export function loadSeries(data: (SeriesData | SeriesColumns)[]): Loaded[] {
  // Storage hands over typed-array columns; tests and other callers may pass sample objects.
  const columns = data.map((s) => ('ts' in s ? s : { labels: s.labels, ...objectColumns(s) }))
  let total = 0
  for (const s of columns) total += s.ts.length
  const resets = new Int32Array(total)
  const out: Loaded[] = []
  let at = 0
  for (const s of columns) {
    let stale = 0
    for (let i = 0; i < s.vs.length; i++) if (Number.isNaN(s.vs[i])) stale++
    let fts = s.ts
    let fvs = s.vs
    if (stale > 0) {
      fts = new Float64Array(s.ts.length - stale)
      fvs = new Float64Array(s.ts.length - stale)
      for (let i = 0, j = 0; i < s.ts.length; i++) {
        if (Number.isNaN(s.vs[i])) continue
        fts[j] = s.ts[i]!
        fvs[j++] = s.vs[i]!
      }
    }
    // resets[i] counts the drops among this series' non-stale values up to i.
    const r = resets.subarray(at, at + fvs.length)
    at += fvs.length
    for (let i = 1, n = 0; i < fvs.length; i++) {
      if (fvs[i]! < fvs[i - 1]!) n++
      r[i] = n
    }
    out.push({
      labels: s.labels,
      nameless: dropMetricName(s.labels),
      ts: s.ts,
      vs: s.vs,
      fts,
      fvs,
      resets: r,
    })
  }
  return sortByLabels(out, (s) => s.labels)
}

/** upperBound returns the first index whose time is greater than t. */
export function upperBound(ts: Float64Array, t: number): number {
  let lo = 0
  let hi = ts.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ts[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * seek returns upperBound(ts, t) using a hint: when every time before index `from` is ≤ t (as
 * when a range query steps forward) it steps over at most a few samples from there, otherwise or
 * beyond that it binary-searches.
 */
export function seek(ts: Float64Array, from: number, t: number): number {
  if (from > ts.length || (from > 0 && ts[from - 1]! > t)) return upperBound(ts, t)
  const stop = Math.min(from + 8, ts.length)
  for (let i = from; i < stop; i++) if (ts[i]! > t) return i
  if (stop === ts.length) return stop
  let lo = stop
  let hi = ts.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (ts[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * instantValue returns the value of a series at time t: the latest sample in (t - lookback, t],
 * or undefined if there is none or it is a staleness marker.
 */
export function instantValue(s: Loaded, t: number, lookbackMs: number): number | undefined {
  const i = upperBound(s.ts, t) - 1
  if (i < 0 || s.ts[i]! <= t - lookbackMs) return undefined
  const v = s.vs[i]!
  return Number.isNaN(v) ? undefined : v
}

/** Window is the index range [lo, hi) of a series' non-stale samples in (end - range, end]. */
export interface Window {
  lo: number
  hi: number
}

/** windowOf finds the non-stale samples of a series in the left-open window (end - range, end]. */
export function windowOf(s: Loaded, end: number, rangeMs: number): Window {
  return { lo: upperBound(s.fts, end - rangeMs), hi: upperBound(s.fts, end) }
}

function objectColumns(s: SeriesData): { ts: Float64Array; vs: Float64Array } {
  const ts = new Float64Array(s.samples.length)
  const vs = new Float64Array(s.samples.length)
  for (let i = 0; i < s.samples.length; i++) {
    ts[i] = s.samples[i]!.t
    vs[i] = s.samples[i]!.v
  }
  return { ts, vs }
}
