/**
 * The ensemble: a Model of a series' past (exponentially weighted levels, scales, a CUSUM, a daily
 * profile), learn() that folds one point into it, and the components registry that reads it. Each
 * component says how surprising a point is as a z (standard scales); the detector weighs and takes
 * the largest. Adding a ComponentKind without its entry here fails to compile.
 */
import type { ComponentKind } from './types.ts'

/** Model is the numeric state the components share (one per series). */
export interface Model {
  n: number
  firstT: number
  /** Fast and slow exponentially weighted means, and mean absolute deviations around them. */
  level: number
  mean: number
  scale: number
  spread: number
  /** Flatline: the last value, how many times in a row it repeated, how often values repeat. */
  lastX: number
  run: number
  repeat: number
  /** Two-sided CUSUM of standardised residuals from the baseline (seasonal when it fits). */
  up: number
  down: number
  varFast: number
  varSlow: number
  slopeFast: number
  slopeSlow: number
  seasonMs: number
  binMs: number
  binMean: Float32Array
  binDev: Float32Array
  /** Mean absolute deviation from the daily profile, and its smoothed standardised residual. */
  seasonDev: number
  seasonal: number
}

const FAST = 0.3
const SLOW = 0.01
const BIN = 0.1
const VAR_FAST = 0.05
const VAR_SLOW = 0.005
const SLOPE_FAST = 0.05
const SLOPE_SLOW = 0.005
const SEASON_SMOOTH = 0.2
const CUSUM_K = 0.5
const CLIP = 4

/** Component is one detector of the ensemble: its surprise at x, and what it expected instead. */
export interface Component {
  z(m: Model, x: number, t: number): number
  expected(m: Model, t: number): { value: number; scale: number }
}

const floor = (m: Model) => 1e-3 * m.spread + 1e-9 * Math.abs(m.mean) + 1e-12
const binOf = (m: Model, t: number) =>
  m.seasonMs > 0 ? Math.floor((((t % m.seasonMs) + m.seasonMs) % m.seasonMs) / m.binMs) : 0
/** mature: a whole cycle seen and this bin learnt. */
const mature = (m: Model, t: number, b: number) =>
  m.seasonMs > 0 && t - m.firstT >= m.seasonMs && !Number.isNaN(m.binMean[b]!)
/** fits: the daily profile explains the series better than its mean does. */
const fits = (m: Model, t: number, b: number) => mature(m, t, b) && m.seasonDev < 0.6 * m.spread
const binScale = (m: Model, b: number) => Math.max(m.binDev[b]!, floor(m))

function baseline(m: Model, t: number): { value: number; scale: number } {
  const b = binOf(m, t)
  return fits(m, t, b)
    ? { value: m.binMean[b]!, scale: Math.max(m.seasonDev, floor(m)) }
    : { value: m.mean, scale: Math.max(m.spread, floor(m)) }
}

function cusumStep(m: Model, x: number, t: number): [number, number] {
  const base = baseline(m, t)
  const u = Math.max(-CLIP, Math.min(CLIP, (x - base.value) / base.scale))
  return [Math.max(0, m.up + u - CUSUM_K), Math.max(0, m.down - u - CUSUM_K)]
}

function seasonalStep(m: Model, x: number, t: number): number {
  const b = binOf(m, t)
  if (!fits(m, t, b)) return 0
  const u = Math.max(-CLIP * 2, Math.min(CLIP * 2, (x - m.binMean[b]!) / binScale(m, b)))
  return m.seasonal + SEASON_SMOOTH * (u - m.seasonal)
}

const local = (m: Model) => ({ value: m.level, scale: Math.max(m.scale, floor(m)) })

/** components is the ensemble, one entry per ComponentKind. */
export const components = {
  spike: {
    z(m, x, t) {
      const zl = Math.abs(x - m.level) / Math.max(m.scale, floor(m))
      const b = binOf(m, t)
      if (!mature(m, t, b)) return zl
      return Math.min(zl, Math.abs(x - m.binMean[b]!) / binScale(m, b))
    },
    expected: local,
  },
  level_shift: {
    z(m, x, t) {
      const [up, down] = cusumStep(m, x, t)
      return Math.max(up, down) / 2
    },
    expected: baseline,
  },
  trend_change: {
    z(m, x) {
      const slope = m.slopeFast + SLOPE_FAST * (x - m.level - m.slopeFast)
      return Math.abs(slope - m.slopeSlow) / (Math.max(m.scale, floor(m)) * 0.1)
    },
    expected: local,
  },
  seasonality_break: {
    z(m, x, t) {
      return Math.abs(seasonalStep(m, x, t)) * 3
    },
    expected(m, t) {
      const b = binOf(m, t)
      return Number.isNaN(m.binMean[b]!)
        ? local(m)
        : { value: m.binMean[b]!, scale: binScale(m, b) }
    },
  },
  variance_change: {
    z(m, x) {
      const e = x - m.level
      const fast = m.varFast + VAR_FAST * (e * e - m.varFast)
      const f = floor(m)
      return Math.max(0, 2 * Math.log(fast / Math.max(m.varSlow, f * f)))
    },
    expected: (m) => ({ value: m.level, scale: Math.sqrt(m.varSlow) }),
  },
  flatline: {
    z(m, x) {
      if (x !== m.lastX) return 0
      const surprise = -(m.run + 1) * Math.log(Math.max(m.repeat, 1e-3))
      return Math.sqrt(2 * surprise)
    },
    expected: local,
  },
} satisfies Record<ComponentKind, Component>

/** learn folds the point (t, x) into the model, after every component has scored it. */
export function learn(m: Model, x: number, t: number): void {
  if (m.n === 0) {
    m.firstT = t
    m.level = m.mean = m.lastX = x
  }
  const [up, down] = cusumStep(m, x, t)
  m.up = up
  m.down = down
  m.seasonal = seasonalStep(m, x, t)
  const e = x - m.level
  const limit = m.n > 10 ? CLIP * Math.max(m.scale, floor(m)) : Infinity
  m.varFast += VAR_FAST * (e * e - m.varFast)
  const ec = Math.max(-limit, Math.min(limit, e))
  m.varSlow += (m.n < 20 ? 0.1 : VAR_SLOW) * (ec * ec - m.varSlow)
  m.scale += (m.n < 20 ? 0.1 : SLOW) * (Math.abs(ec) - m.scale)
  const previous = m.level
  m.level += FAST * e
  m.slopeFast += SLOPE_FAST * (m.level - previous - m.slopeFast)
  m.slopeSlow += SLOPE_SLOW * (m.level - previous - m.slopeSlow)
  const d = x - m.mean
  const spreadLimit = m.n > 10 ? CLIP * Math.max(m.spread, floor(m)) : Infinity
  m.mean += SLOW * Math.max(-spreadLimit, Math.min(spreadLimit, d))
  m.spread += (m.n < 20 ? 0.1 : SLOW) * (Math.min(Math.abs(d), spreadLimit) - m.spread)
  const same = x === m.lastX && m.n > 0
  m.run = same ? m.run + 1 : 0
  m.repeat += SLOW * ((same ? 1 : 0) - m.repeat)
  m.lastX = x
  learnSeason(m, x, t)
  m.n++
}

function learnSeason(m: Model, x: number, t: number): void {
  if (m.seasonMs <= 0) return
  const b = binOf(m, t)
  const mean = m.binMean[b]!
  if (Number.isNaN(mean)) {
    m.binMean[b] = x
    m.binDev[b] = m.spread
    return
  }
  const dev = Math.max(m.binDev[b]!, floor(m))
  const e = Math.max(-CLIP * dev, Math.min(CLIP * dev, x - mean))
  if (mature(m, t, b) && m.seasonDev === 0) m.seasonDev = m.spread
  else if (mature(m, t, b)) m.seasonDev += SLOW * (Math.abs(x - mean) - m.seasonDev)
  m.binMean[b] = mean + BIN * e
  m.binDev[b] = m.binDev[b]! + BIN * (Math.abs(e) - m.binDev[b]!)
}
