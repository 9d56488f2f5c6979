/**
 * The streaming detector: one SeriesState per series, updated in place by detect() point by point,
 * from the past only, in constant time and under 1 KiB. Each component of the ensemble turns the
 * point into a z; a histogram of its own past z turns that into a tail probability; the components
 * that fire pool their evidence into the score, and a hysteresis state machine alerts once per episode.
 */
import { components, learn, prepare, profileSlots, seasonBins, type Model } from './components.ts'
import { hysteresis } from './hysteresis.ts'
import type { AnomalyResult, AnomalyState, ComponentKind, DetectorOptions } from './types.ts'

/** defaultOptions are the one configuration tuned on the NAB development set (see the README). */
export const defaultOptions: DetectorOptions = {
  counter: false,
  warmup: 150,
  enter: 0.5,
  exit: 0.25,
  exitAfter: 15,
  refractory: 120,
  seasonMs: 86_400_000,
  halfZ: 6,
  rareDecay: 0.00085,
  rareLog: 4.25,
  fatigue: 0.27,
  fatigueDecay: 0.0008,
  weights: {
    spike: 1,
    level_shift: 0.5,
    trend_change: 0,
    seasonality_break: 0.7,
    variance_change: 1.2,
    flatline: 1,
  },
}

const kinds = Object.keys(components) as ComponentKind[]

// Series share their options, so a one-entry cache spares a keyed lookup per component per point.
let cachedOptions: DetectorOptions | undefined
let cachedWeights = new Float64Array(kinds.length)
function weightsOf(opts: DetectorOptions): Float64Array {
  if (opts !== cachedOptions) {
    cachedWeights = Float64Array.from(kinds, (kind) => opts.weights[kind])
    cachedOptions = opts
  }
  return cachedWeights
}

/** zBins is the size of each component's histogram of past z (two bins an octave of 1 + z). */
export const zBins = 10
const histStart = profileSlots

/** SeriesState is everything the detector keeps about one series: the Model and the hysteresis. */
export class SeriesState implements Model {
  n = 0
  firstT = NaN
  level = 0
  mean = 0
  scale = 0
  spread = 0
  lastX = NaN
  run = 0
  repeat = 0
  up = 0
  down = 0
  varFast = 0
  varSlow = 0
  slopeFast = 0
  slopeSlow = 0
  seasonDev = 0
  seasonal = 0
  readonly seasonMs: number
  readonly buf = new Float32Array(histStart + zBins * kinds.length).fill(NaN, 0, seasonBins)
  /** The weight of the next point in the histograms (it grows instead of the old ones decaying). */
  zInc = 1
  state: AnomalyState = 'warmup'
  quiet = 0
  since = 0
  lastT = NaN
  lastRaw = NaN
  /** Recent alerts, decaying: the alert fatigue. */
  alerts = 0

  constructor(readonly options: DetectorOptions) {
    this.seasonMs = options.seasonMs
  }
}

/** createSeries starts the detector of one series with these options (defaultOptions when absent). */
export function createSeries(options?: Partial<DetectorOptions>): SeriesState {
  // Series with the same settings share one options object: it is most of a series' memory otherwise.
  return new SeriesState(options ? { ...defaultOptions, ...options } : defaultOptions)
}

const skipped = (series: SeriesState): AnomalyResult => ({
  score: 0,
  raw: 0,
  state: series.state,
  alert: false,
  component: 'spike',
  z: 0,
  tail: 1,
  expected: { value: NaN, low: NaN, high: NaN },
  value: NaN,
})

/**
 * detect scores the point (t ms, v) of a series from what came before, then learns it. A point that
 * is not a finite number, not after the previous one, the first of a counter or a counter's reset,
 * is skipped.
 */
export function detect(series: SeriesState, t: number, v: number): AnomalyResult {
  const opts = series.options
  if (!Number.isFinite(v) || !Number.isFinite(t) || t <= series.lastT) return skipped(series)
  let x = v
  if (opts.counter) {
    // The first value has no rate yet; a drop is a restart from zero, and the rate across it is
    // unknown (the restart fell somewhere in the interval), so neither is scored.
    const skip = Number.isNaN(series.lastRaw) || v < series.lastRaw
    x = ((v - series.lastRaw) * 1000) / (t - series.lastT)
    series.lastRaw = v
    if (skip) {
      series.lastT = t
      return skipped(series)
    }
  }
  series.lastT = t
  prepare(series, x, t)
  let best: ComponentKind = 'spike'
  let z = 0
  let raw = 0
  let bestSurprise = 0
  let spikeZ = 0
  let spikeSurprise = 0
  if (series.n > 0) {
    // Components whose z reaches halfZ pool their rarity: agreeing components are stronger evidence.
    let evidence = 0
    let strongest = 0
    const weights = weightsOf(opts)
    // The histograms learn from the settled model only: z during warm-up says little about later.
    const settled = series.n >= opts.warmup
    for (let k = 0; k < kinds.length; k++) {
      const w = weights[k]!
      if (w === 0) continue
      const kind = kinds[k]!
      const zi = w * components[kind].z(series, x)
      if (Number.isNaN(zi)) continue // the component has nothing to say yet: its histogram waits
      const q = zi / opts.halfZ
      const strength = 1 - Math.exp(-Math.LN2 * q * q)
      const surprise = rarity(series, k, zi, settled)
      const rare = Math.min(1, surprise / opts.rareLog)
      if (zi >= opts.halfZ) evidence += rare
      if (strength > strongest) strongest = strength
      const score = Math.min(strength, rare)
      if (kind === 'spike') ((spikeZ = zi), (spikeSurprise = surprise))
      if (score > raw || (score === raw && zi > z)) {
        raw = score
        z = zi
        best = kind
        bestSurprise = surprise
      }
    }
    // One point far out raises the fast variance too: while the spike fires, it is the story told.
    if (best === 'variance_change' && spikeZ >= opts.halfZ) {
      best = 'spike'
      z = spikeZ
      bestSurprise = spikeSurprise
    }
    forget(series, opts.rareDecay)
    // Alert fatigue: a series that alerted recently needs more evidence to alert again.
    series.alerts *= 1 - opts.fatigueDecay
    raw = Math.min(strongest, evidence / (1 + opts.fatigue * series.alerts))
  }
  const { value, scale } = components[best].expected(series)
  const band = opts.halfZ * scale
  learn(series, x, t)
  const expected = { value, low: value - band, high: value + band }
  return hysteresis(series, {
    score: raw,
    raw,
    state: series.state,
    alert: false,
    component: best,
    z,
    tail: Math.pow(10, -bestSurprise),
    expected,
    value: x,
  })
}

/** rarity is -log10 of how often component k's z reached this one before (its tail probability); it counts z when asked. */
function rarity(series: SeriesState, k: number, z: number, count: boolean): number {
  const h = series.buf
  const start = histStart + k * zBins
  let bin = start
  for (let edge = 1.4142135623730951; bin < start + zBins - 1 && 1 + z >= edge; edge *= Math.SQRT2)
    bin++
  let below = 0
  for (let i = start; i < bin; i++) below += h[i]!
  let tail = 0.5 * h[bin]!
  for (let i = bin + 1; i < start + zBins; i++) tail += h[i]!
  // The component's own total: one that had nothing to say (NaN) has not counted those points.
  const p = (tail + series.zInc) / (below + tail + 0.5 * h[bin]! + series.zInc)
  if (count) h[bin] = h[bin]! + series.zInc
  return -Math.log10(p)
}

/** forget ages the histograms: each point weighs more than the last (rescaled before overflow). */
function forget(series: SeriesState, decay: number): void {
  series.zInc /= 1 - decay
  if (series.zInc > 1e20) {
    const h = series.buf
    for (let i = histStart; i < h.length; i++) h[i] = h[i]! / series.zInc
    series.zInc = 1
  }
}

/** stateBytes counts one series' state: 8 bytes a number field, 4 a Float32Array slot. */
export function stateBytes(series: SeriesState): number {
  const numbers = Object.values(series).filter((v) => typeof v !== 'object').length
  return numbers * 8 + series.buf.byteLength
}
