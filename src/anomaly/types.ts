/** Plain types of the anomaly detector: its settings, its verdict on one point and its explanation. */

/** ComponentKind names one detector of the ensemble; each can fire and explain a verdict. */
export type ComponentKind =
  'spike' | 'level_shift' | 'trend_change' | 'seasonality_break' | 'variance_change' | 'flatline'

/** AnomalyState is the hysteresis state of a series: it enters and leaves `anomalous` at two levels. */
export type AnomalyState = 'warmup' | 'normal' | 'anomalous'

/** DetectorOptions are the settings of one series' detector; defaultOptions are the tuned ones. */
export interface DetectorOptions {
  /** Score the per-second rate of a monotonic counter (a drop is a restart from zero). */
  counter: boolean
  /** Points seen before the detector may alert. */
  warmup: number
  /** The score at or above which a normal series becomes anomalous (the alert threshold). */
  enter: number
  /** The score below which an anomalous series counts a quiet point. */
  exit: number
  /** Quiet points in a row an anomalous series needs to become normal again. */
  exitAfter: number
  /** The fewest points a series stays anomalous after an alert (so it alerts once per episode). */
  refractory: number
  /** Length of the seasonal cycle in ms (0: none); its profile has `seasonBins` bins. */
  seasonMs: number
  /** How many standard scales a residual must reach to score 0.5. */
  halfZ: number
  /** How fast the histogram of past z forgets (per point), and the -log10 tail probability that scores 1. */
  rareDecay: number
  rareLog: number
  /** Alert fatigue: the evidence is divided by 1 + fatigue × recent alerts (decaying by fatigueDecay a point). */
  fatigue: number
  fatigueDecay: number
  /** Multipliers of each component's z before the ensemble takes the largest (0 turns one off). */
  weights: Record<ComponentKind, number>
}

/** Expected is the band the detector expected the point in, and the value it expected. */
export interface Expected {
  value: number
  low: number
  high: number
}

/** AnomalyResult is the verdict on one point. */
export interface AnomalyResult {
  /** The reported score in [0, 1]: the ensemble's, held below `enter` while already anomalous. */
  score: number
  /** The ensemble's score before hysteresis. */
  raw: number
  state: AnomalyState
  /** True on the point where the series became anomalous (the one to page about). */
  alert: boolean
  /** The component with the largest weighted z, and that z (standard scales from expected). */
  component: ComponentKind
  z: number
  /** How often that component was at least this surprised before (its tail probability, recent points weigh more). */
  tail: number
  expected: Expected
  /** The value scored: the input, or the counter's rate. NaN when the point was skipped. */
  value: number
}
