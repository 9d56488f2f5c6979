import { describe, expect, it, test } from 'bun:test'
import {
  nabProfiles,
  nabScore,
  probationRows,
  scaledSigmoid,
  windowRows,
  type NabFile,
} from '../../src/anomaly/nab.ts'

// A file of 10 rows at t = 0..9 ms: probation is floor(0.15 * 10) = 1 row, one window over rows 4–6
// (w = 3). Scores are 0 except where given. Hand-computed figures (standard profile):
//   S(-1) = 2 / (1 + e^-5) - 1 = 0.986614;  S(-1/3) = 2 / (1 + e^(-5/3)) - 1 = 0.682262
//   S(0.5) = 2 / (1 + e^2.5) - 1 = -0.848284;  S(1.5) = 2 / (1 + e^7.5) - 1 = -0.998894
//   null = -1 (the one window missed), perfect = 1, normalised = 100 * (raw + 1) / 2.
const ts = Array.from({ length: 10 }, (_, i) => i)
const file = (hits: Record<number, number>, windows: [number, number][] = [[4, 6]]): NabFile => ({
  timestamps: ts,
  scores: ts.map((i) => hits[i] ?? 0),
  windows,
})
const standard = nabProfiles.standard

describe('nab', () => {
  test.each([
    [-1, 0.986614],
    [0, 0],
    [-1 / 3, 0.682262],
    [0.5, -0.848284],
    [1.5, -0.998894],
    [3.5, -1],
  ])('scaledSigmoid(%p) returns %p', (x, y) => {
    expect(scaledSigmoid(x)).toBeCloseTo(y, 5)
  })

  test.each([
    [10, 1],
    [100, 15],
    [4032, 604],
    [5000, 750],
    [15902, 750],
  ])('probationRows(%p) returns %p', (rows, probation) => {
    expect(probationRows(rows)).toBe(probation)
  })

  it('windowRows() maps instants to the first row at or after the start and the last at or before the end', () => {
    expect(windowRows([0, 10, 20, 30, 40], [[5, 30]])).toEqual([[1, 3]])
    expect(windowRows([0, 10, 20, 30, 40], [[10, 35]])).toEqual([[1, 3]])
  })

  test.each([
    // [what, hits, raw]
    ['the earliest detection in the window earns A_tp', { 4: 1 }, 1],
    ['the last row of the window earns S(-1/3)/S(-1)', { 6: 1 }, 0.682262 / 0.986614],
    ['only the best detection of a window counts', { 4: 1, 5: 1, 6: 1 }, 1],
    ['a missed window costs A_fn', {}, -1],
    ['a detection before the first window costs A_fp', { 2: 1, 4: 1 }, 1 - 0.11],
    [
      'a detection just after a window costs little: 0.11 S(|6-7| / 2)',
      { 4: 1, 7: 1 },
      1 - 0.11 * 0.848284,
    ],
    [
      'a detection far after a window costs about A_fp: 0.11 S(3 / 2)',
      { 4: 1, 9: 1 },
      1 - 0.11 * 0.998894,
    ],
    ['the probation row is not scored', { 0: 1, 4: 1 }, 1],
  ] as const)('nabScore() at threshold 0.5: %s', (_, hits, raw) => {
    const result = nabScore([file(hits)], standard, 0.5)
    expect(result.raw).toBeCloseTo(raw, 5)
    expect(result.normalized).toBeCloseTo((100 * (raw + 1)) / 2, 3)
  })

  it('nabScore() weighs misses double with reward_low_FN: 100 * (0.6915 + 2) / 3 = 89.72', () => {
    const result = nabScore([file({ 6: 1 })], nabProfiles.reward_low_FN, 0.5)
    expect(result.normalized).toBeCloseTo(89.72, 2)
  })

  it('nabScore() doubles the false positive cost with reward_low_FP: 100 * (1 - 0.22 + 1) / 2 = 89', () => {
    expect(nabScore([file({ 2: 1, 4: 1 })], nabProfiles.reward_low_FP, 0.5).normalized).toBeCloseTo(
      89,
      5,
    )
  })

  it('nabScore() sums files: a false positive in a file without windows still counts', () => {
    const quiet: NabFile = { timestamps: ts, scores: ts.map((i) => (i === 5 ? 1 : 0)), windows: [] }
    const result = nabScore([file({ 4: 1 }), quiet], standard, 0.5)
    expect(result.raw).toBeCloseTo(0.89, 5)
    expect(result.normalized).toBeCloseTo(94.5, 5)
    expect(result).toMatchObject({ tp: 1, fp: 1, fn: 0 })
  })

  it('nabScore() without a threshold picks the one with the best raw score', () => {
    // threshold 0.95: only the false positive (raw -1.11); 0.9: + the window (0.89); 0.3: + a late
    // false positive (0.89 - 0.109878 = 0.780122). The best is 0.9.
    const result = nabScore([file({ 2: 0.95, 4: 0.9, 9: 0.3 })], standard)
    expect(result.threshold).toBe(0.9)
    expect(result.raw).toBeCloseTo(0.89, 5)
    expect(nabScore([file({ 2: 0.95, 4: 0.9, 9: 0.3 })], standard, 0.3).raw).toBeCloseTo(
      0.780122,
      5,
    )
  })
})
