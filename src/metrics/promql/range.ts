/**
 * Range functions (rate, irate, increase, delta, *_over_time) as Prometheus computes them. Each
 * series' window (t - offset - range, t - offset] is read straight from the loaded arrays, without
 * staleness markers; extrapolatedRate handles counter resets and limits extrapolation to 1.1× the
 * average sample interval and, for counters, to the zero point (in Prometheus ≥ 2.52's order:
 * threshold first, zero point after); irate uses the last two samples. Like Prometheus's engine,
 * a call is evaluated series by series over a block of consecutive steps, which keeps each
 * series' samples hot and lets the window move forward instead of being searched afresh.
 */
import type { Call, Expr, MatrixSelector } from './ast.ts'
import { PromqlError } from './errors.ts'
import { labelsKey } from './format.ts'
import { KahanSum, Mean, quantile } from './math.ts'
import {
  assertUniqueLabels,
  scalarArg,
  seek,
  type EvalContext,
  type Loaded,
  type Value,
  type VSample,
} from './series.ts'

function matrixArg(expr: Expr): MatrixSelector {
  let e = expr
  while (e.kind === 'paren') e = e.expr
  if (e.kind !== 'matrixSelector') throw new PromqlError('expected a range vector selector', e.pos)
  return e
}

interface RangeInfo {
  rangeStart: number
  rangeEnd: number
  rangeMs: number
}

function extrapolatedRate(
  s: Loaded,
  lo: number,
  hi: number,
  r: RangeInfo,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = hi - lo
  if (n < 2) return undefined
  const { fts, fvs } = s
  const firstT = fts[lo]!
  const lastT = fts[hi - 1]!
  const firstV = fvs[lo]!
  let result = fvs[hi - 1]! - firstV
  // The running reset count lets windows without resets skip the loop; with resets, add the
  // values before each drop one by one, in order, exactly as Prometheus does.
  const resets = s.resets
  if (isCounter && resets[hi - 1] !== resets[lo]) {
    let prev = firstV
    for (let i = lo + 1; i < hi; i++) {
      const cur = fvs[i]!
      if (cur < prev) result += prev
      prev = cur
    }
  }
  const sampledInterval = (lastT - firstT) / 1000
  if (sampledInterval === 0) return undefined
  let durationToStart = (firstT - r.rangeStart) / 1000
  let durationToEnd = (r.rangeEnd - lastT) / 1000
  const averageInterval = sampledInterval / (n - 1)
  const threshold = averageInterval * 1.1
  if (durationToStart >= threshold) durationToStart = averageInterval / 2
  if (isCounter && result > 0 && firstV >= 0) {
    // Counters cannot go below zero: do not extrapolate further back than the zero point.
    const durationToZero = sampledInterval * (firstV / result)
    if (durationToZero < durationToStart) durationToStart = durationToZero
  }
  if (durationToEnd >= threshold) durationToEnd = averageInterval / 2
  let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
  if (isRate) factor /= r.rangeMs / 1000
  return result * factor
}

function instantRate(s: Loaded, lo: number, hi: number): number | undefined {
  if (hi - lo < 2) return undefined
  const last = s.fvs[hi - 1]!
  const prev = s.fvs[hi - 2]!
  const interval = s.fts[hi - 1]! - s.fts[hi - 2]!
  if (interval === 0) return undefined
  // A drop is a counter reset: the counter restarted from zero.
  const result = last < prev ? last : last - prev
  return result / (interval / 1000)
}

type RangeFn = (
  s: Loaded,
  lo: number,
  hi: number,
  r: RangeInfo,
  param: number,
) => number | undefined

/** rangeFunctions maps each range function to its per-window computation. */
export const rangeFunctions: Record<string, RangeFn> = {
  rate: (s, lo, hi, r) => extrapolatedRate(s, lo, hi, r, true, true),
  increase: (s, lo, hi, r) => extrapolatedRate(s, lo, hi, r, true, false),
  delta: (s, lo, hi, r) => extrapolatedRate(s, lo, hi, r, false, false),
  irate: (s, lo, hi) => instantRate(s, lo, hi),
  avg_over_time: (s, lo, hi) => {
    if (hi <= lo) return undefined
    const mean = new Mean()
    for (let i = lo; i < hi; i++) mean.add(s.fvs[i]!)
    return mean.value()
  },
  sum_over_time: (s, lo, hi) => {
    if (hi <= lo) return undefined
    const sum = new KahanSum()
    for (let i = lo; i < hi; i++) sum.add(s.fvs[i]!)
    return sum.value()
  },
  min_over_time: (s, lo, hi) => {
    if (hi <= lo) return undefined
    let min = s.fvs[lo]!
    for (let i = lo + 1; i < hi; i++) {
      const v = s.fvs[i]!
      if (v < min || Number.isNaN(min)) min = v
    }
    return min
  },
  max_over_time: (s, lo, hi) => {
    if (hi <= lo) return undefined
    let max = s.fvs[lo]!
    for (let i = lo + 1; i < hi; i++) {
      const v = s.fvs[i]!
      if (v > max || Number.isNaN(max)) max = v
    }
    return max
  },
  count_over_time: (_s, lo, hi) => (hi > lo ? hi - lo : undefined),
  last_over_time: (s, lo, hi) => (hi > lo ? s.fvs[hi - 1]! : undefined),
  quantile_over_time: (s, lo, hi, _r, q) =>
    hi > lo ? quantile(q, Array.from(s.fvs.subarray(lo, hi))) : undefined,
}

const collisionCache = new WeakMap<Loaded[], boolean>()

/** namesCollide tells whether dropping the metric name makes two series' labels equal. */
function namesCollide(series: Loaded[]): boolean {
  let collide = collisionCache.get(series)
  if (collide === undefined) {
    const seen = new Set<string>()
    collide = false
    for (const s of series) {
      const key = labelsKey(s.nameless)
      if (seen.has(key)) collide = true
      seen.add(key)
    }
    collisionCache.set(series, collide)
  }
  return collide
}

/** Block holds a call's results for consecutive steps (row j, column i: step first+j, series i). */
interface Block {
  first: number
  count: number
  values: Float64Array
  has: Uint8Array
  /** lo and hi are each series' window after the block's last step, where the next block starts. */
  lo: Int32Array
  hi: Int32Array
}

/** rangeTuning.maxBlockCells bounds a block's memory (about 9 MB); tests lower it. */
export const rangeTuning = { maxBlockCells: 1 << 20 }

function computeBlock(
  ctx: EvalContext,
  call: Call,
  series: Loaded[],
  first: number,
  times: number[],
  previous: Block | undefined,
): Block {
  const fn = rangeFunctions[call.func]!
  const matrixIndex = call.func === 'quantile_over_time' ? 1 : 0
  const params = times.map((t) => (matrixIndex === 1 ? scalarArg(ctx, call.args[0]!, t) : 0))
  const ms = matrixArg(call.args[matrixIndex]!)
  const n = series.length
  const values = new Float64Array(n * times.length)
  const has = new Uint8Array(n * times.length)
  const lo = previous ? previous.lo : new Int32Array(n)
  const hi = previous ? previous.hi : new Int32Array(n)
  const r: RangeInfo = { rangeStart: 0, rangeEnd: 0, rangeMs: ms.range }
  for (let i = 0; i < n; i++) {
    const s = series[i]!
    let l = lo[i]!
    let h = hi[i]!
    for (let j = 0; j < times.length; j++) {
      r.rangeEnd = times[j]! - ms.selector.offset
      r.rangeStart = r.rangeEnd - ms.range
      // seek re-checks its hint, so a block that starts earlier than the last one is fine.
      l = seek(s.fts, l, r.rangeStart)
      h = seek(s.fts, Math.max(l, h), r.rangeEnd)
      const v = fn(s, l, h, r, params[j]!)
      if (v === undefined) continue
      values[j * n + i] = v
      has[j * n + i] = 1
    }
    lo[i] = l
    hi[i] = h
  }
  return { first, count: times.length, values, has, lo, hi }
}

/** blockFor returns the block holding step time t, computing the next block when needed. */
function blockFor(ctx: EvalContext, call: Call, series: Loaded[], t: number): [Block, number] {
  const { start, step, count } = ctx.grid
  const k = (t - start) / step
  if (!Number.isInteger(k) || k < 0 || k >= count) {
    // Off the step grid (not done by vigil's evaluator): compute this step alone.
    return [computeBlock(ctx, call, series, 0, [t], undefined), 0]
  }
  // Blocks live in the evaluation's state, so nothing outlives the query.
  let block = ctx.state.get(call) as Block | undefined
  if (!block || k < block.first || k >= block.first + block.count) {
    const size = Math.min(
      count - k,
      Math.max(1, Math.floor(rangeTuning.maxBlockCells / Math.max(1, series.length))),
    )
    const times = Array.from({ length: size }, (_, j) => start + (k + j) * step)
    block = computeBlock(ctx, call, series, k, times, block)
    ctx.state.set(call, block)
  }
  return [block, (k - block.first) * series.length]
}

/** evalRangeFunction evaluates a range function call at step time t. */
export function evalRangeFunction(ctx: EvalContext, call: Call, t: number): Value {
  const ms = matrixArg(call.args[call.func === 'quantile_over_time' ? 1 : 0]!)
  const series = ctx.seriesOf(ms.selector)
  const [block, row] = blockFor(ctx, call, series, t)
  const keepName = call.func === 'last_over_time'
  const out: VSample[] = []
  for (let i = 0; i < series.length; i++) {
    if (block.has[row + i] !== 1) continue
    const s = series[i]!
    out.push({ labels: keepName ? s.labels : s.nameless, v: block.values[row + i]! })
  }
  if (!keepName && namesCollide(series)) assertUniqueLabels(out, call.pos)
  return { kind: 'vector', samples: out }
}
