/**
 * The streaming detector: one SeriesState per series, updated in place by detect() point by point,
 * from the past only, in constant time and a few hundred bytes. Each component of the ensemble turns
 * the point into a z (standard scales of surprise); the largest weighted z becomes the score.
 */
import { components, learn, type Model } from './components.ts'
import type {
  AnomalyResult,
  AnomalyState,
  ComponentKind,
  DetectorOptions,
  Expected,
} from './types.ts'

/** defaultOptions are the one configuration tuned on the NAB development set (see the README). */
export const defaultOptions: DetectorOptions = {
  counter: false,
  warmup: 150,
  enter: 0.5,
  exit: 0.3,
  exitAfter: 10,
  refractory: 100,
  seasonMs: 86_400_000,
  halfZ: 6,
  rareDecay: 0.001,
  rareLog: 4,
  weights: {
    spike: 1,
    level_shift: 1,
    trend_change: 0,
    seasonality_break: 1,
    variance_change: 1,
    flatline: 1,
  },
}

/** seasonBins is how many bins the daily profile has (48: half an hour each). */
export const seasonBins = 48

const kinds = Object.keys(components) as ComponentKind[]
const kindCount = kinds.length

/** zBins is the size of the histogram of past z per component (log-spaced, z up to 2^(zBins/zPerOctave) - 1). */
export const zBins = 16
const zPerOctave = 2

/** SeriesState is everything the detector keeps about one series. */
export class SeriesState {
  readonly model: Model
  state: AnomalyState = 'warmup'
  /** Consecutive quiet points while anomalous, and points since the alert. */
  quiet = 0
  since = 0
  lastT = NaN
  lastRaw = NaN
  /** A decaying histogram of the series' own past z, for the tail probability of a new one. */
  readonly zHist = new Float32Array(zBins * kindCount)
  zTotal = 0
  zInc = 1

  constructor(readonly options: DetectorOptions) {
    this.model = newModel(options.seasonMs)
  }
}

function newModel(seasonMs: number): Model {
  return {
    n: 0,
    firstT: NaN,
    level: 0,
    mean: 0,
    scale: 0,
    spread: 0,
    lastX: NaN,
    run: 0,
    repeat: 0,
    up: 0,
    down: 0,
    varFast: 0,
    varSlow: 0,
    slopeFast: 0,
    slopeSlow: 0,
    seasonMs,
    binMs: seasonMs / seasonBins,
    binMean: new Float32Array(seasonBins).fill(NaN),
    binDev: new Float32Array(seasonBins),
    seasonDev: 0,
    seasonal: 0,
  }
}

/** createSeries starts the detector of one series with these options (defaultOptions when absent). */
export function createSeries(options: Partial<DetectorOptions> = {}): SeriesState {
  return new SeriesState({ ...defaultOptions, ...options })
}

const skipped = (series: SeriesState): AnomalyResult => ({
  score: 0,
  raw: 0,
  state: series.state,
  alert: false,
  component: 'spike',
  z: 0,
  expected: { value: NaN, low: NaN, high: NaN },
  value: NaN,
})

/**
 * detect scores the point (t ms, v) of a series from what came before, then learns it. A point that
 * is not a finite number, not after the previous one, or the first of a counter, is skipped.
 */
export function detect(series: SeriesState, t: number, v: number): AnomalyResult {
  const opts = series.options
  if (!Number.isFinite(v) || !Number.isFinite(t) || t <= series.lastT) return skipped(series)
  let x = v
  if (opts.counter) {
    const first = Number.isNaN(series.lastRaw)
    const delta = v >= series.lastRaw ? v - series.lastRaw : v // a drop is a restart from zero
    x = (delta * 1000) / (t - series.lastT)
    series.lastRaw = v
    if (first) {
      series.lastT = t
      return skipped(series)
    }
  }
  series.lastT = t
  const m = series.model
  let best: ComponentKind = 'spike'
  let z = 0
  let raw = 0
  if (m.n > 0) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[k]!
      const w = opts.weights[kind]
      if (w === 0) continue
      const zi = w * components[kind].z(m, x, t)
      const strength = 1 - Math.pow(2, -((zi / opts.halfZ) ** 2))
      const score = Math.min(strength, rarity(series, k, zi, opts.rareLog))
      if (score > raw || (score === raw && zi > z)) {
        raw = score
        z = zi
        best = kind
      }
    }
    forget(series, opts.rareDecay)
  }
  const expected = expect(m, best, t, opts.halfZ)
  learn(m, x, t)
  return hysteresis(series, raw, best, z, expected, x)
}

/** rarity scores how rare z is in the past of component k (-log10 of its tail probability / rareLog) and counts it. */
function rarity(series: SeriesState, k: number, z: number, rareLog: number): number {
  const h = series.zHist
  const base = k * zBins
  const bin = base + Math.min(zBins - 1, Math.floor(zPerOctave * Math.log2(1 + z)))
  let tail = 0.5 * h[bin]!
  for (let i = bin + 1; i < base + zBins; i++) tail += h[i]!
  const p = (tail + series.zInc) / (series.zTotal + series.zInc)
  h[bin] = h[bin]! + series.zInc
  return Math.min(1, -Math.log10(p) / rareLog)
}

/** forget ages the histograms: later points weigh more (rescaled before the weights overflow). */
function forget(series: SeriesState, decay: number): void {
  series.zTotal += series.zInc
  series.zInc /= 1 - decay
  if (series.zInc > 1e20) {
    const h = series.zHist
    for (let i = 0; i < h.length; i++) h[i] = h[i]! / series.zInc
    series.zTotal /= series.zInc
    series.zInc = 1
  }
}

function hysteresis(
  series: SeriesState,
  raw: number,
  component: ComponentKind,
  z: number,
  expected: Expected,
  value: number,
): AnomalyResult {
  const opts = series.options
  let alert = false
  let score = raw
  if (series.state === 'warmup') {
    score = 0
    if (series.model.n >= opts.warmup) series.state = 'normal'
  } else if (series.state === 'normal') {
    if (raw >= opts.enter) {
      series.state = 'anomalous'
      alert = true
      series.quiet = 0
      series.since = 0
    }
  } else {
    series.since++
    series.quiet = raw < opts.exit ? series.quiet + 1 : 0
    score = Math.min(raw, opts.exit)
    if (series.quiet >= opts.exitAfter && series.since >= opts.refractory) series.state = 'normal'
  }
  return { score, raw, state: series.state, alert, component, z, expected, value }
}

function expect(m: Model, kind: ComponentKind, t: number, halfZ: number): Expected {
  const { value, scale } = components[kind].expected(m, t)
  return { value, low: value - halfZ * scale, high: value + halfZ * scale }
}

/** stateBytes estimates the memory of one series' state: 8 bytes a number, plus the profile arrays. */
export function stateBytes(series: SeriesState): number {
  const m = series.model
  const numbers = Object.values(m).filter((v) => typeof v === 'number').length + 6
  return numbers * 8 + m.binMean.byteLength + m.binDev.byteLength + series.zHist.byteLength + 24
}
