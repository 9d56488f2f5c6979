/**
 * The ensemble: a Model of a series' past (exponentially weighted levels, scales, a CUSUM, a daily
 * profile), prepare() and learn() around each point, and the components registry that reads it.
 * Each component says how surprising a point is as a z (standard scales); detect() weighs them.
 * Adding a ComponentKind without its entry here fails to compile.
 */
import type { ComponentKind } from './types.ts'

/** seasonBins is how many bins the daily profile has (32: 45 minutes each). */
export const seasonBins = 32

/** profileSlots is how many slots of `buf` the daily profile takes (means, deviations, reaches). */
export const profileSlots = 3 * seasonBins

/** Model is the numeric state the components share (one per series); `buf` holds the arrays. */
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
  /** Two-sided CUSUM of standardised residuals from the baseline (the daily profile when it fits). */
  up: number
  down: number
  varFast: number
  varSlow: number
  slopeFast: number
  slopeSlow: number
  seasonMs: number
  /** Mean absolute deviation from the daily profile, and its smoothed standardised residual. */
  seasonDev: number
  seasonal: number
  /**
   * Bin means (NaN until seen), bin mean absolute deviations, bin reaches (the largest distance from
   * the bin mean seen, forgetting slowly), then the detector's histograms from `profileSlots` on.
   */
  buf: Float32Array
}

/** Scratch is what prepare() works out about the point being scored, for the components and learn(). */
export interface Scratch {
  bin: number
  mature: boolean
  fits: boolean
  floor: number
  base: number
  baseScale: number
  nextUp: number
  nextDown: number
  nextSeasonal: number
}

/** scratch is shared by every series: detect() is synchronous, one point at a time, so a series needs none of its own. */
export const scratch: Scratch = {
  bin: 0,
  mature: false,
  fits: false,
  floor: 0,
  base: 0,
  baseScale: 0,
  nextUp: 0,
  nextDown: 0,
  nextSeasonal: 0,
}
const s = scratch

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
// A bin's reach forgets this much a point in the bin (weeks, at 5-minute points); a swing as large scores z 5.5.
const REACH_FORGET = 0.001
const REACH_Z = 5.5

const clip = (x: number, limit: number) => (x > limit ? limit : x < -limit ? -limit : x)
const binScale = (m: Model) => Math.max(m.buf[seasonBins + s.bin]!, s.floor)

/** prepare computes what the components share about the point (t, x) before they score it. */
export function prepare(m: Model, x: number, t: number): void {
  s.floor = 1e-3 * m.spread + 1e-9 * Math.abs(m.mean) + 1e-12
  const period = m.seasonMs
  s.bin = period > 0 ? Math.floor(((((t % period) + period) % period) / period) * seasonBins) : 0
  // mature: a whole cycle seen and this bin learnt; fits: the profile explains more than the mean.
  s.mature = period > 0 && t - m.firstT >= 2 * period && !Number.isNaN(m.buf[s.bin]!)
  s.fits = s.mature && m.seasonDev < 0.6 * m.spread
  s.base = s.fits ? m.buf[s.bin]! : m.mean
  s.baseScale = Math.max(s.fits ? m.seasonDev : m.spread, s.floor)
  const u = clip((x - s.base) / s.baseScale, CLIP)
  s.nextUp = Math.max(0, m.up + u - CUSUM_K)
  s.nextDown = Math.max(0, m.down - u - CUSUM_K)
  s.nextSeasonal = s.fits
    ? m.seasonal + SEASON_SMOOTH * (clip((x - m.buf[s.bin]!) / binScale(m), 2 * CLIP) - m.seasonal)
    : 0
}

/** Component is one detector of the ensemble: its surprise at x (NaN: nothing to say yet), and what it expected instead. */
export interface Component {
  z(m: Model, x: number): number
  expected(m: Model): { value: number; scale: number }
}

const local = (m: Model) => ({ value: m.level, scale: Math.max(m.scale, s.floor) })

/** components is the ensemble, one entry per ComponentKind. */
export const components = {
  spike: {
    // A spike is far from the recent level and, once the profile is learnt, from this time of day.
    z(m, x) {
      const zl = Math.abs(x - m.level) / Math.max(m.scale, s.floor)
      if (!s.mature) return zl
      // A swing this time of day has reached before (a nightly job) scores REACH_Z at most.
      const reach = m.buf[2 * seasonBins + s.bin]! / REACH_Z
      return Math.min(zl, Math.abs(x - m.buf[s.bin]!) / Math.max(binScale(m), reach))
    },
    expected: local,
  },
  level_shift: {
    z: (m) => Math.max(s.nextUp, s.nextDown) / 2,
    expected: (m) => ({ value: s.base, scale: s.baseScale }),
  },
  trend_change: {
    z(m, x) {
      const slope = m.slopeFast + SLOPE_FAST * (x - m.level - m.slopeFast)
      return Math.abs(slope - m.slopeSlow) / (Math.max(m.scale, s.floor) * 0.1)
    },
    expected: local,
  },
  seasonality_break: {
    z: () => (s.fits ? Math.abs(s.nextSeasonal) * 3 : NaN),
    expected: (m) => (s.mature ? { value: m.buf[s.bin]!, scale: binScale(m) } : local(m)),
  },
  variance_change: {
    z(m, x) {
      const e = x - m.level
      const fast = m.varFast + VAR_FAST * (e * e - m.varFast)
      return Math.max(0, 2 * Math.log(fast / Math.max(m.varSlow, s.floor * s.floor)))
    },
    expected: (m) => ({ value: m.level, scale: Math.sqrt(m.varSlow) }),
  },
  flatline: {
    // The chance of this many repeats in a row, given how often the series repeats, as a z.
    z(m, x) {
      if (x !== m.lastX) return 0
      return Math.sqrt(-2 * (m.run + 1) * Math.log(Math.max(m.repeat, 1e-3)))
    },
    expected: local,
  },
} satisfies Record<ComponentKind, Component>

/** learn folds the point (t, x) into the model, after prepare() and the components scored it. */
export function learn(m: Model, x: number, t: number): void {
  if (m.n === 0) {
    m.firstT = t
    m.level = m.mean = m.lastX = x
  }
  const early = m.n < 20
  m.up = s.nextUp
  m.down = s.nextDown
  m.seasonal = s.nextSeasonal
  const e = x - m.level
  const ec = m.n > 10 ? clip(e, CLIP * Math.max(m.scale, s.floor)) : e
  m.varFast += VAR_FAST * (e * e - m.varFast)
  m.varSlow += (early ? 0.1 : VAR_SLOW) * (ec * ec - m.varSlow)
  m.scale += (early ? 0.1 : SLOW) * (Math.abs(ec) - m.scale)
  const previous = m.level
  m.level += FAST * e
  m.slopeFast += SLOPE_FAST * (m.level - previous - m.slopeFast)
  m.slopeSlow += SLOPE_SLOW * (m.level - previous - m.slopeSlow)
  const d = x - m.mean
  const dc = m.n > 10 ? clip(d, CLIP * Math.max(m.spread, s.floor)) : d
  m.mean += SLOW * dc
  m.spread += (early ? 0.1 : SLOW) * (Math.abs(dc) - m.spread)
  const same = x === m.lastX && m.n > 0
  m.run = same ? m.run + 1 : 0
  m.repeat += SLOW * ((same ? 1 : 0) - m.repeat)
  m.lastX = x
  if (m.seasonMs > 0) learnSeason(m, x)
  m.n++
}

function learnSeason(m: Model, x: number): void {
  const b = s.bin
  const buf = m.buf
  const mean = buf[b]!
  if (Number.isNaN(mean)) {
    buf[b] = x
    buf[seasonBins + b] = m.spread
    return
  }
  const dev = binScale(m)
  const r = 2 * seasonBins + b
  buf[r] = Math.max(Math.abs(x - mean), buf[r]! * (1 - REACH_FORGET))
  if (s.mature)
    m.seasonDev =
      m.seasonDev === 0 ? m.spread : m.seasonDev + SLOW * (Math.abs(x - mean) - m.seasonDev)
  const e = clip(x - mean, CLIP * dev)
  buf[b] = mean + BIN * e
  buf[seasonBins + b] = buf[seasonBins + b]! + BIN * (Math.abs(e) - buf[seasonBins + b]!)
}
