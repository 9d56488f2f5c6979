/**
 * Aggregation operators (sum, avg, min, max, count, topk, bottomk, quantile) with `by` and
 * `without` grouping, following Prometheus: `by` keeps only the listed labels, `without` drops
 * them and the metric name, topk/bottomk return the original samples (labels included), NaN
 * loses to any number in min/max/topk/bottomk. Groupings are cached per aggregation and
 * evaluation, since the same label objects come back at every step of a range query.
 */
import type { Labels } from '../types.ts'
import type { AggregateExpr } from './ast.ts'
import { PromqlError } from './errors.ts'
import { formatValue, keepLabels, labelsKey, withoutLabels } from './format.ts'
import { KahanSum, Mean, quantile } from './math.ts'
import { scalarArg, vectorArg, type EvalContext, type Value, type VSample } from './series.ts'

interface Grouping {
  key: string
  labels: Labels
  /** index numbers the groups of one aggregation in one evaluation, from 0. */
  index: number
}

/**
 * GroupingMemo caches, for one aggregation in one evaluation, the grouping of each label object,
 * the previous step's labels and groupings by position (a range query usually sees the same label
 * objects in the same order every step, so an identity check replaces the lookup), and one shared
 * label object per group, so that downstream caches keyed by label objects keep hitting.
 */
interface GroupingMemo {
  byLabels: WeakMap<Labels, Grouping>
  lastLabels: Labels[]
  lastGroupings: Grouping[]
  groups: Map<string, Grouping>
  /** members[g] holds group g's samples at the current step, reused from step to step. */
  members: VSample[][]
  /** seen[g] is the last call (counted in `calls`) that put a sample in group g. */
  seen: number[]
  calls: number
}

function memoOf(ctx: EvalContext, node: AggregateExpr): GroupingMemo {
  let memo = ctx.state.get(node) as GroupingMemo | undefined
  if (!memo) {
    memo = {
      byLabels: new WeakMap(),
      lastLabels: [],
      lastGroupings: [],
      groups: new Map(),
      members: [],
      seen: [],
      calls: 0,
    }
    ctx.state.set(node, memo)
  }
  return memo
}

function groupingOf(node: AggregateExpr, memo: GroupingMemo, labels: Labels): Grouping {
  let g = memo.byLabels.get(labels)
  if (!g) {
    let out = node.without
      ? withoutLabels(labels, [...node.grouping, '__name__'])
      : keepLabels(labels, node.grouping)
    const key = labelsKey(out)
    const shared = memo.groups.get(key)
    if (shared) g = shared
    else {
      g = { key, labels: out, index: memo.groups.size }
      memo.groups.set(key, g)
      memo.members.push([])
      memo.seen.push(-1)
    }
    memo.byLabels.set(labels, g)
  }
  return g
}

/** byValueDesc orders for topk: larger first, NaN last, ties kept in input order. */
function byValueDesc(a: VSample, b: VSample): number {
  if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1
  if (Number.isNaN(b.v)) return -1
  return a.v > b.v ? -1 : a.v < b.v ? 1 : 0
}

/** byValueAsc orders for bottomk: smaller first, NaN last, ties kept in input order. */
function byValueAsc(a: VSample, b: VSample): number {
  if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1
  if (Number.isNaN(b.v)) return -1
  return a.v < b.v ? -1 : a.v > b.v ? 1 : 0
}

function reduce(op: AggregateExpr['op'], members: VSample[], param: number): number {
  switch (op) {
    case 'sum': {
      const sum = new KahanSum()
      for (const m of members) sum.add(m.v)
      return sum.value()
    }
    case 'avg': {
      const mean = new Mean()
      for (const m of members) mean.add(m.v)
      return mean.value()
    }
    case 'count':
      return members.length
    case 'min': {
      let min = members[0]!.v
      for (const m of members) if (min > m.v || Number.isNaN(min)) min = m.v
      return min
    }
    case 'max': {
      let max = members[0]!.v
      for (const m of members) if (max < m.v || Number.isNaN(max)) max = m.v
      return max
    }
    case 'quantile':
      return quantile(
        param,
        members.map((m) => m.v),
      )
    default:
      throw new PromqlError(`unexpected aggregation ${op}`)
  }
}

function kOf(node: AggregateExpr, param: number): number {
  if (!Number.isFinite(param) || Math.abs(param) >= 2 ** 63) {
    throw new PromqlError(`scalar value ${formatValue(param)} overflows int64`, node.pos)
  }
  return Math.trunc(param)
}

/** evalAggregate evaluates an aggregation at step time t. */
export function evalAggregate(ctx: EvalContext, node: AggregateExpr, t: number): Value {
  const param = node.param ? scalarArg(ctx, node.param, t) : 0
  const samples = vectorArg(ctx, node.expr, t)
  const isK = node.op === 'topk' || node.op === 'bottomk'
  const k = isK ? kOf(node, param) : 0
  if (samples.length === 0 || (isK && k < 1)) return { kind: 'vector', samples: [] }
  const memo = memoOf(ctx, node)
  const call = memo.calls++
  // Groups in order of their first sample at this step, as Prometheus outputs them.
  const order: Grouping[] = []
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    let g = memo.lastLabels[i] === s.labels ? memo.lastGroupings[i] : undefined
    if (!g) {
      g = groupingOf(node, memo, s.labels)
      memo.lastLabels[i] = s.labels
      memo.lastGroupings[i] = g
    }
    const members = memo.members[g.index]!
    if (memo.seen[g.index] !== call) {
      memo.seen[g.index] = call
      members.length = 0
      order.push(g)
    }
    members.push(s)
  }
  const out: VSample[] = []
  for (const g of order) {
    const members = memo.members[g.index]!
    if (isK) {
      const sorted = [...members].sort(node.op === 'topk' ? byValueDesc : byValueAsc)
      for (const s of sorted.slice(0, k)) out.push(s)
      continue
    }
    out.push({ labels: g.labels, v: reduce(node.op, members, param) })
  }
  return { kind: 'vector', samples: out }
}
