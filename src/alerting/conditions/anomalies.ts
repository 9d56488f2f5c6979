/**
 * Anomaly conditions: stored anomalies of at least `min_severity`, of the series the selector
 * matches (all when absent), detected in the last `sustained_for` (5 minutes when absent). Each
 * series is a group, labelled as the series (`__name__` as `series`, the series text).
 */
import { severities } from '../../policy/kinds/fields.ts'
import type { ActiveGroup, ConditionEvaluator } from './types.ts'

/** defaultWindowMs is how far back anomalies count when the rule says no `sustained_for`. */
export const defaultWindowMs = 5 * 60_000

const rank = (s: string) => severities.indexOf(s as (typeof severities)[number])

/** anomalies evaluates anomaly conditions. */
export const anomalies = {
  async evaluate(c, ctx, t): Promise<ActiveGroup[]> {
    const window = c.sustained_for || defaultWindowMs
    const page = await ctx.anomalies.query({
      since: t - window,
      until: t,
      series: c.selector,
      minSeverity: c.min_severity,
      limit: 1000,
    })
    const bySeries = new Map<number, ActiveGroup & { ids: number[] }>()
    // Newest first: the first anomaly of a series gives the value.
    for (const a of page.anomalies) {
      const group = bySeries.get(a.seriesId)
      if (group) {
        group.ids.push(a.id)
        continue
      }
      const { __name__: _, ...labels } = a.labels
      const ids = [a.id]
      bySeries.set(a.seriesId, {
        labels: { ...labels, series: a.series },
        value: a.value,
        ids,
        source: { kind: 'anomalies', query: a.series, ids },
      })
    }
    return [...bySeries.values()].map(({ ids: _, ...g }) => g)
  },
  wakers: (c) => ({
    anomalies: (list) => list.some((a) => rank(a.severity) >= rank(c.min_severity)),
  }),
} satisfies ConditionEvaluator<'anomalies'>
