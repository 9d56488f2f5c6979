/** Sentences for people: what the detector expected, which component fired and how unusual it was. */
import type { AnomalyResult, ComponentKind } from './types.ts'

const what = {
  spike: 'a spike',
  level_shift: 'a level shift',
  trend_change: 'a change of trend',
  seasonality_break: 'a break from the daily pattern',
  variance_change: 'a change of variance',
  flatline: 'a flatline',
} satisfies Record<ComponentKind, string>

const round = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(4)) : n)

const rarity = (tail: number) =>
  tail >= 0.5
    ? 'as usual'
    : `about once in ${Math.round(1 / tail).toLocaleString('en')} recent points`

/** explain renders a result as one sentence, e.g. `a spike: 97.2 where 41.3 (20.1–62.5) was expected, 8.1σ, about once in 2,100 recent points (score 0.93)`. */
export function explain(result: AnomalyResult): string {
  if (Number.isNaN(result.value))
    return 'skipped: not a number, out of order, or a first counter value'
  const { value, low, high } = result.expected
  const band = `${round(value)} (${round(low)}–${round(high)})`
  const state =
    result.state === 'warmup'
      ? ', still warming up'
      : result.state === 'anomalous' && !result.alert
        ? ', already anomalous'
        : ''
  return (
    `${what[result.component]}: ${round(result.value)} where ${band} was expected, ` +
    `${result.z.toFixed(1)}σ, ${rarity(result.tail)} (score ${result.raw.toFixed(2)})${state}`
  )
}
