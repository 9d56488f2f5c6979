/**
 * Metrics conditions: a PromQL expression evaluated at one instant. Every series it returns is an
 * active group, labelled as the series (without `__name__`): a comparison (`> 90`) keeps the
 * series over the threshold, and an expression without one fires whenever it returns anything.
 */
import type { SampleBatch } from '../../bus.ts'
import { ValidationError } from '../../errors.ts'
import { parse } from '../../metrics/promql/parser.ts'
import { forEachSelector } from '../../metrics/promql/plan.ts'
import { queryInstant } from '../../metrics/query.ts'
import type { MetricsEngine } from '../../metrics/engine.ts'
import type { ActiveGroup, ConditionEvaluator } from './types.ts'

/** metricNames lists the metric names an expression reads; undefined when a selector has none. */
export function metricNames(expr: string): Set<string> | undefined {
  const names = new Set<string>()
  let unnamed = false
  forEachSelector(parse(expr), (sel) => {
    const name = sel.name ?? sel.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value
    if (name === undefined) unnamed = true
    else names.add(name)
  })
  return unnamed ? undefined : names
}

/** touches says whether a batch has a sample of one of `names` (any sample when undefined). */
export function touches(
  engine: MetricsEngine,
  names: Set<string> | undefined,
  batch: SampleBatch,
): boolean {
  if (names === undefined) return batch.count > 0
  let last = -1
  for (let i = 0; i < batch.count; i++) {
    const id = batch.triples[i * 3]!
    if (id === last) continue
    last = id
    const name = engine.index.labels(id)?.__name__
    if (name !== undefined && names.has(name)) return true
  }
  return false
}

/** expr evaluates PromQL conditions. */
export const expr = {
  async evaluate(query, ctx, t): Promise<ActiveGroup[]> {
    const result = await queryInstant(ctx.engine, query, t)
    if (result.resultType !== 'vector') {
      throw new ValidationError(
        `the expression returns a ${result.resultType}, not an instant vector`,
      )
    }
    return result.result.map(({ metric, value }) => {
      const { __name__: _, ...labels } = metric
      return { labels, value: Number(value[1]), source: { kind: 'metrics', query } }
    })
  },
  wakers(query, ctx) {
    const names = metricNames(query)
    return { samples: (batch) => touches(ctx.engine, names, batch) }
  },
} satisfies ConditionEvaluator<'expr'>
