/**
 * Query planning: which raw data an expression needs. Each selector becomes one SelectRequest
 * whose time bounds cover every step of the evaluation (lookback for instant selectors, the range
 * for range selectors, shifted by the offset). The evaluator finds the answers again by
 * `selectionKey`, so planning and evaluation must use the same bounds.
 */
import type { Matcher, SelectRequest } from '../types.ts'
import type { Expr, VectorSelector } from './ast.ts'

/** requestFor returns the SelectRequest of one selector (range in ms for range selectors). */
export function requestFor(
  selector: VectorSelector,
  rangeMs: number | undefined,
  start: number,
  end: number,
  lookbackMs: number,
): SelectRequest {
  const back = rangeMs ?? lookbackMs
  return {
    matchers: selector.matchers.map((m) => ({ ...m })),
    start: start - back - selector.offset,
    end: end - selector.offset,
  }
}

function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1
  if (a.op !== b.op) return a.op < b.op ? -1 : 1
  if (a.value !== b.value) return a.value < b.value ? -1 : 1
  return 0
}

/** selectionKey returns a stable key for a request; matcher order does not matter. */
export function selectionKey(req: SelectRequest): string {
  const matchers = [...req.matchers].sort(compareMatchers).map((m) => [m.name, m.op, m.value])
  return JSON.stringify([req.start, req.end, matchers])
}

/** forEachSelector calls fn for every selector in expr with its range (undefined if instant). */
export function forEachSelector(
  expr: Expr,
  fn: (selector: VectorSelector, rangeMs: number | undefined) => void,
): void {
  switch (expr.kind) {
    case 'vectorSelector':
      fn(expr, undefined)
      return
    case 'matrixSelector':
      fn(expr.selector, expr.range)
      return
    case 'paren':
    case 'unary':
      forEachSelector(expr.expr, fn)
      return
    case 'binary':
      forEachSelector(expr.lhs, fn)
      forEachSelector(expr.rhs, fn)
      return
    case 'call':
      for (const arg of expr.args) forEachSelector(arg, fn)
      return
    case 'aggregate':
      if (expr.param) forEachSelector(expr.param, fn)
      forEachSelector(expr.expr, fn)
      return
    case 'number':
    case 'string':
      return
  }
}

/**
 * selectionsOf lists the de-duplicated raw data requests needed to evaluate expr at every step in
 * [start, end] (ms): [start - lookback - offset, end - offset] for instant selectors and
 * [start - range - offset, end - offset] for range selectors.
 */
export function selectionsOf(
  expr: Expr,
  start: number,
  end: number,
  lookbackMs: number,
): SelectRequest[] {
  const out = new Map<string, SelectRequest>()
  forEachSelector(expr, (selector, rangeMs) => {
    const req = requestFor(selector, rangeMs, start, end, lookbackMs)
    const key = selectionKey(req)
    if (!out.has(key)) out.set(key, req)
  })
  return [...out.values()]
}
