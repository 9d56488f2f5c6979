/**
 * The Numenta Anomaly Benchmark scoring method (../shared/nab/README.md), pure: a file is its rows'
 * timestamps, the detector's scores and the labelled windows; the result is NAB's raw score, its
 * normalisation and the best-threshold sweep. Used by the benchmark and its tests, never by the server.
 */

/** NabProfile weighs true positives, false positives and false negatives. */
export interface NabProfile {
  tp: number
  fp: number
  fn: number
}

/** nabProfiles are NAB's three published profiles. */
export const nabProfiles = {
  standard: { tp: 1, fp: 0.11, fn: 1 },
  reward_low_FP: { tp: 1, fp: 0.22, fn: 1 },
  reward_low_FN: { tp: 1, fp: 0.11, fn: 2 },
} as const satisfies Record<string, NabProfile>

/** NabProfileName names one of nabProfiles. */
export type NabProfileName = keyof typeof nabProfiles

/** NabFile is one labelled file with a detector's scores, one per row. */
export interface NabFile {
  timestamps: number[]
  scores: number[]
  /** Windows as [start, end] instants (inclusive), oldest first. */
  windows: [number, number][]
}

/** scaledSigmoid is NAB's S(x) = 2 / (1 + e^(5x)) - 1, exactly -1 past x = 3. */
export function scaledSigmoid(x: number): number {
  return x > 3 ? -1 : 2 / (1 + Math.exp(5 * x)) - 1
}

/** probationRows is how many leading rows NAB leaves unscored: min(floor(0.15 n), 750). */
export function probationRows(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750)
}

/** Row is a scored row: its detector score, its window (-1 outside) and its weight per profile unit. */
interface Row {
  score: number
  window: number
  /** S(...)/S(-1) inside a window, S(...) (or -1) outside: multiply by A_tp or A_fp. */
  weight: number
}

/** windowRows maps instant windows to [left, right] row indices (first row ≥ start, last ≤ end). */
export function windowRows(timestamps: number[], windows: [number, number][]): [number, number][] {
  return windows.map(([start, end]) => {
    let left = 0
    while (left < timestamps.length && timestamps[left]! < start) left++
    let right = left
    while (right + 1 < timestamps.length && timestamps[right + 1]! <= end) right++
    return [left, right]
  })
}

/** scoredRows gives every row past probation its window and its NAB weight. */
function scoredRows(file: NabFile, windowOffset: number): Row[] {
  const spans = windowRows(file.timestamps, file.windows)
  const rows: Row[] = []
  const maxTp = scaledSigmoid(-1)
  let next = 0
  let prev: [number, number] | undefined
  for (let i = probationRows(file.timestamps.length); i < file.timestamps.length; i++) {
    while (next < spans.length && spans[next]![1] < i) prev = spans[next++]
    const span = spans[next]
    let window = -1
    let weight: number
    if (span && i >= span[0]) {
      const width = span[1] - span[0] + 1
      window = windowOffset + next
      weight = scaledSigmoid(-(span[1] - i + 1) / width) / maxTp
    } else if (prev) {
      weight = scaledSigmoid(Math.abs(prev[1] - i) / (prev[1] - prev[0]))
    } else weight = -1
    rows.push({ score: file.scores[i]!, window, weight })
  }
  return rows
}

/** NabResult is a detector's figures over a set for one profile. */
export interface NabResult {
  raw: number
  normalized: number
  threshold: number
  tp: number
  fp: number
  fn: number
}

/**
 * nabScore scores a set of files for one profile: at `threshold` when given, else at the threshold
 * with the best raw score (NAB's sweep: every distinct score is tried, from the highest down).
 */
export function nabScore(files: NabFile[], profile: NabProfile, threshold?: number): NabResult {
  const rows: Row[] = []
  let windows = 0
  for (const file of files) {
    for (const row of scoredRows(file, windows)) rows.push(row)
    windows += file.windows.length
  }
  const nullScore = -profile.fn * windows
  const perfect = profile.tp * windows
  const best = new Float64Array(windows).fill(-Infinity)
  rows.sort((a, b) => b.score - a.score)
  // Lowering the threshold only adds detections: keep the raw score up to date row by row.
  let raw = nullScore
  let tp = 0
  let fp = 0
  let result: NabResult = { raw, normalized: 0, threshold: Infinity, tp: 0, fp: 0, fn: windows }
  for (let i = 0; i < rows.length;) {
    const score = rows[i]!.score
    if (threshold !== undefined && score < threshold) break
    for (; i < rows.length && rows[i]!.score === score; i++) {
      const row = rows[i]!
      if (row.window < 0) {
        raw += profile.fp * row.weight
        fp++
      } else {
        const credit = profile.tp * row.weight
        const old = best[row.window]!
        if (old === -Infinity) {
          raw += profile.fn + credit
          tp++
          best[row.window] = credit
        } else if (credit > old) {
          raw += credit - old
          best[row.window] = credit
        }
      }
    }
    if (threshold !== undefined || raw > result.raw)
      result = { raw, normalized: 0, threshold: score, tp, fp, fn: windows - tp }
  }
  if (threshold !== undefined) result.threshold = threshold
  const span = perfect - nullScore
  result.normalized = span === 0 ? 0 : (100 * (result.raw - nullScore)) / span
  return result
}
