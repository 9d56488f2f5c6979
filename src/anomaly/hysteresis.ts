/**
 * The hysteresis state machine of a series: warmup → normal once enough points were seen;
 * normal → anomalous when the score reaches `enter` (the alert); anomalous → normal after
 * `exitAfter` quiet points in a row (score below `exit`) and at least `refractory` points. While
 * anomalous the reported score is held at `exit`, so one episode alerts once and a series never
 * stays stuck: the model keeps learning and the state falls back once the new behaviour is usual.
 */
import type { AnomalyResult, AnomalyState, DetectorOptions } from './types.ts'

/** Hysteresis is the part of a series' state that the state machine owns. */
export interface Hysteresis {
  readonly options: DetectorOptions
  n: number
  state: AnomalyState
  quiet: number
  since: number
  alerts: number
}

/** hysteresis moves the state machine on with this result and returns it with score, state and alert set. */
export function hysteresis(series: Hysteresis, result: AnomalyResult): AnomalyResult {
  const opts = series.options
  const raw = result.raw
  if (series.state === 'warmup') {
    result.score = 0
    if (series.n >= opts.warmup) series.state = 'normal'
  } else if (series.state === 'normal') {
    if (raw >= opts.enter) {
      series.state = 'anomalous'
      result.alert = true
      series.alerts++
      series.quiet = 0
      series.since = 0
    }
  } else {
    series.since++
    series.quiet = raw < opts.exit ? series.quiet + 1 : 0
    result.score = Math.min(raw, opts.exit)
    if (series.quiet >= opts.exitAfter && series.since >= opts.refractory) series.state = 'normal'
  }
  result.state = series.state
  return result
}
