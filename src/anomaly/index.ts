/**
 * Anomaly detection: every series gets a SeriesState, and detect() scores each new point from the
 * past only, in constant time and under 1 KiB of state, with a score in [0, 1], the component that
 * fired (spike, level shift, trend change, seasonality break, variance change, flatline), the band it
 * expected and a normal ↔ anomalous state with hysteresis. The CSV helpers serve `vigil anomaly
 * score`; nab.ts scores a detector on the Numenta Anomaly Benchmark (used by the benchmark).
 */
export { createSeries, defaultOptions, detect, SeriesState, stateBytes } from './detect.ts'
export { components, type Component } from './components.ts'
export { explain } from './explain.ts'
export { csvHeader, formatScore, isHeader, outputHeader, parseRow, parseTimestamp } from './csv.ts'
export type {
  AnomalyResult,
  AnomalyState,
  ComponentKind,
  DetectorOptions,
  Expected,
} from './types.ts'
