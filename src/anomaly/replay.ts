/**
 * Replaying stored history through a detector: to warm a series' state before it scores live
 * points, and to draw the band the detector expected over a chart's range. Pure.
 */
import { detect, type SeriesState } from './detect.ts'
import type { AnomalyResult } from './types.ts'

/**
 * warm feeds a series the last `most` points of (ts, vs) that come before `before`, so that its
 * next point is scored as if it had been watching. It returns how many points it fed.
 */
export function warm(
  state: SeriesState,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  before: number,
  most: number,
): number {
  let end = 0
  while (end < ts.length && ts[end]! < before) end++
  const start = Math.max(0, end - most)
  for (let i = start; i < end; i++) detect(state, ts[i]!, vs[i]!)
  return end - start
}

/** BandPoint is the detector's verdict at one stored point, for a chart. */
export interface BandPoint {
  t: number
  value: number
  low: number
  high: number
  score: number
}

/**
 * band replays (ts, vs) through a fresh state and returns the expected band at every point at or
 * after `from` once the series is past its warm-up (the band before it says nothing).
 */
export function band(
  state: SeriesState,
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  from: number,
): BandPoint[] {
  const out: BandPoint[] = []
  for (let i = 0; i < ts.length; i++) {
    const r: AnomalyResult = detect(state, ts[i]!, vs[i]!)
    if (ts[i]! < from || r.state === 'warmup' || !Number.isFinite(r.expected.low)) continue
    out.push({
      t: ts[i]!,
      value: r.expected.value,
      low: r.expected.low,
      high: r.expected.high,
      score: r.score,
    })
  }
  return out
}
