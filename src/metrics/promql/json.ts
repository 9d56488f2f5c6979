/**
 * Writing a range query's answer as Prometheus's JSON `matrix` directly from columns. One string
 * per point of a large answer adds up: each step's time is written once for all series, and no
 * intermediate `[time, "value"]` arrays are made.
 */
import type { RangeColumns } from './evaluate.ts'
import { formatValue } from './format.ts'

/** matrixJson returns `{"resultType":"matrix","result":[...]}` for the columns. */
export function matrixJson(columns: RangeColumns): string {
  const { start, step } = columns.grid
  const times: string[] = []
  const parts: string[] = []
  for (const s of columns.series) {
    let body = ''
    for (let i = 0; i < s.steps.length; i++) {
      const k = s.steps[i]!
      const t = (times[k] ??= String((start + k * step) / 1000))
      body += `${i === 0 ? '[' : ',['}${t},"${formatValue(s.values[i]!)}"]`
    }
    parts.push(`{"metric":${JSON.stringify(s.metric)},"values":[${body}]}`)
  }
  return `{"resultType":"matrix","result":[${parts.join(',')}]}`
}
