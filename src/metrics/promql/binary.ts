/**
 * Binary operators between scalars and instant vectors, following Prometheus's engine: arithmetic
 * drops the metric name, comparisons filter (keeping the vector side's value) unless `bool` turns
 * them into 0/1 (and drops the name), vector-vector operations match one-to-one on all labels but
 * the name, or on `on(...)` / all but `ignoring(...)`, and fail on duplicate series in a match
 * group. The set operators and/or/unless match many-to-many. Signatures and result labels are
 * cached per node and label object, since they repeat at every step.
 */
import type { Labels } from '../types.ts'
import { isComparison, isSetOp, type BinaryExpr, type BinaryOp } from './ast.ts'
import { PromqlError } from './errors.ts'
import { dropMetricName, formatLabels, keepLabels, labelsKey, withoutLabels } from './format.ts'
import { goPow } from './math.ts'
import { assertUniqueLabels, type EvalContext, type Value, type VSample } from './series.ts'

/** applyOp computes lhs op rhs; for comparisons it returns lhs and whether the pair is kept. */
export function applyOp(op: BinaryOp, lhs: number, rhs: number): [number, boolean] {
  switch (op) {
    case '+':
      return [lhs + rhs, true]
    case '-':
      return [lhs - rhs, true]
    case '*':
      return [lhs * rhs, true]
    case '/':
      return [lhs / rhs, true]
    case '%':
      return [lhs % rhs, true]
    case '^':
      return [goPow(lhs, rhs), true]
    case '==':
      return [lhs, lhs === rhs]
    case '!=':
      return [lhs, lhs !== rhs]
    case '>':
      return [lhs, lhs > rhs]
    case '<':
      return [lhs, lhs < rhs]
    case '>=':
      return [lhs, lhs >= rhs]
    case '<=':
      return [lhs, lhs <= rhs]
    default:
      throw new PromqlError(`operator ${JSON.stringify(op)} not allowed here`)
  }
}

function dropsName(node: BinaryExpr): boolean {
  return !isComparison(node.op) || node.returnBool
}

function scalarScalar(node: BinaryExpr, lhs: number, rhs: number): Value {
  const [v, keep] = applyOp(node.op, lhs, rhs)
  return { kind: 'scalar', v: isComparison(node.op) ? (keep ? 1 : 0) : v }
}

function vectorScalar(node: BinaryExpr, samples: VSample[], scalar: number, swap: boolean): Value {
  const out: VSample[] = []
  const drop = dropsName(node)
  for (const s of samples) {
    let [v, keep] = swap ? applyOp(node.op, scalar, s.v) : applyOp(node.op, s.v, scalar)
    // A comparison keeps the vector element's value even when the scalar is on the left.
    if (isComparison(node.op) && swap) v = s.v
    if (node.returnBool) {
      v = keep ? 1 : 0
      keep = true
    }
    if (!keep) continue
    out.push({ labels: drop ? dropMetricName(s.labels) : s.labels, v })
  }
  if (drop) assertUniqueLabels(out, node.pos)
  return { kind: 'vector', samples: out }
}

interface NodeCache {
  signatures: WeakMap<Labels, string>
  results: WeakMap<Labels, Labels>
}

const caches = new WeakMap<BinaryExpr, NodeCache>()

function cacheOf(node: BinaryExpr): NodeCache {
  let c = caches.get(node)
  if (!c) {
    c = { signatures: new WeakMap(), results: new WeakMap() }
    caches.set(node, c)
  }
  return c
}

/** matchLabels returns the labels a sample is matched on (Prometheus's MatchLabels). */
function matchLabels(node: BinaryExpr, labels: Labels): Labels {
  const m = node.matching
  if (m?.on) return keepLabels(labels, m.labels)
  return withoutLabels(labels, ['__name__', ...(m?.labels ?? [])])
}

function signature(node: BinaryExpr, cache: NodeCache, labels: Labels): string {
  let sig = cache.signatures.get(labels)
  if (sig === undefined) {
    sig = labelsKey(matchLabels(node, labels))
    cache.signatures.set(labels, sig)
  }
  return sig
}

function resultLabels(node: BinaryExpr, cache: NodeCache, lhs: Labels): Labels {
  let out = cache.results.get(lhs)
  if (out === undefined) {
    out = dropsName(node) ? dropMetricName(lhs) : lhs
    const m = node.matching
    if (m?.on) out = keepLabels(out, m.labels)
    else if (m) out = withoutLabels(out, m.labels)
    cache.results.set(lhs, out)
  }
  return out
}

function setOperation(node: BinaryExpr, lhs: VSample[], rhs: VSample[]): Value {
  const cache = cacheOf(node)
  const sig = (s: VSample): string => signature(node, cache, s.labels)
  let out: VSample[]
  if (node.op === 'and') {
    const right = new Set(rhs.map(sig))
    out = rhs.length === 0 ? [] : lhs.filter((s) => right.has(sig(s)))
  } else if (node.op === 'unless') {
    const right = new Set(rhs.map(sig))
    out = rhs.length === 0 ? lhs : lhs.filter((s) => !right.has(sig(s)))
  } else {
    const left = new Set(lhs.map(sig))
    out = [...lhs, ...rhs.filter((s) => !left.has(sig(s)))]
  }
  return { kind: 'vector', samples: out }
}

function vectorVector(node: BinaryExpr, lhs: VSample[], rhs: VSample[]): Value {
  if (lhs.length === 0 || rhs.length === 0) return { kind: 'vector', samples: [] }
  const cache = cacheOf(node)
  const right = new Map<string, VSample>()
  for (const rs of rhs) {
    const sig = signature(node, cache, rs.labels)
    const dup = right.get(sig)
    if (dup) {
      const group = formatLabels(matchLabels(node, rs.labels))
      const pair = `[${formatLabels(rs.labels)}, ${formatLabels(dup.labels)}]`
      throw new PromqlError(
        `found duplicate series for the match group ${group} on the right hand-side of the ` +
          `operation: ${pair};many-to-many matching not allowed: matching labels must be unique ` +
          'on one side',
        node.pos,
      )
    }
    right.set(sig, rs)
  }
  const matched = new Set<string>()
  const out: VSample[] = []
  for (const ls of lhs) {
    const sig = signature(node, cache, ls.labels)
    const rs = right.get(sig)
    if (!rs) continue
    let [v, keep] = applyOp(node.op, ls.v, rs.v)
    if (node.returnBool) v = keep ? 1 : 0
    else if (!keep) continue
    if (matched.has(sig)) {
      throw new PromqlError(
        'multiple matches for labels: many-to-one matching must be explicit ' +
          '(group_left/group_right)',
        node.pos,
      )
    }
    matched.add(sig)
    out.push({ labels: resultLabels(node, cache, ls.labels), v })
  }
  assertUniqueLabels(out, node.pos)
  return { kind: 'vector', samples: out }
}

/** evalBinary evaluates a binary expression at step time t. */
export function evalBinary(ctx: EvalContext, node: BinaryExpr, t: number): Value {
  const lhs = ctx.eval(node.lhs, t)
  const rhs = ctx.eval(node.rhs, t)
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') return scalarScalar(node, lhs.v, rhs.v)
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') {
    return vectorScalar(node, lhs.samples, rhs.v, false)
  }
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') {
    return vectorScalar(node, rhs.samples, lhs.v, true)
  }
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    if (isSetOp(node.op)) return setOperation(node, lhs.samples, rhs.samples)
    return vectorVector(node, lhs.samples, rhs.samples)
  }
  throw new PromqlError(
    'binary expression must contain only scalar and instant vector types',
    node.pos,
  )
}
