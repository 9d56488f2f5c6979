import { describe, expect, it, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  createSeries,
  defaultOptions,
  detect,
  explain,
  parseTimestamp,
  stateBytes,
  type AnomalyResult,
  type ComponentKind,
} from '../../src/anomaly/index.ts'
import { daily, perDay, series, start, step } from './series.ts'

const n = perDay * 7
const at = perDay * 5 + 72 // day 6, at the daily peak

function run(values: number[], counter = false): AnomalyResult[] {
  const s = createSeries(counter ? { counter: true } : undefined)
  return values.map((v, i) => detect(s, start + i * step, v))
}
const alerts = (results: AnomalyResult[]) =>
  results.flatMap((r, i) => (r.alert ? [{ i, component: r.component }] : []))

describe('detect', () => {
  test.each([
    // [anomaly, values, component, within points]
    ['spike', series(n, (i, e) => 100 + e + (i === at ? 15 : 0)), 'spike', 0],
    ['level shift', series(n, (i, e) => 100 + e + (i >= at ? 8 : 0)), 'spike', 3],
    ['variance change', series(n, (i, e) => 100 + e * (i >= at ? 5 : 1)), 'spike', 40],
    [
      'seasonal break',
      series(n, (i, e) => 100 + 10 * daily(i >= at ? at : i) + 0.3 * e),
      'seasonality_break',
      40,
    ],
    ['flatline', series(n, (i, e) => (i >= at ? 100 : 100 + e)), 'flatline', 20],
    [
      'flatline of rounded values',
      series(n, (i, e) => (i >= at ? 50 : Math.round(50 + 3 * e))),
      'flatline',
      20,
    ],
  ] as [string, number[], ComponentKind, number][])(
    'detect() alerts once, on a %s, within a few points',
    (_, values, component, within) => {
      const found = alerts(run(values))
      expect(found).toHaveLength(1)
      expect(found[0]!.i).toBeGreaterThanOrEqual(at)
      expect(found[0]!.i).toBeLessThanOrEqual(at + within)
      expect(found[0]!.component).toBe(component)
    },
  )

  test.each([
    ['noise', series(n, (_, e) => 50 + 2 * e), false],
    ['other noise', series(n, (_, e) => 50 + 2 * e, 7), false],
    ['a daily cycle with noise', series(n, (i, e) => 100 + 10 * daily(i) + 0.5 * e), false],
    ['a flat series', series(n, () => 3), false],
    ['a steadily increasing counter', series(n, (i) => i * 3000 + (i % 7)), true],
    [
      'a sawtooth counter that restarts from zero',
      series(n, (i) => ((i % 500) + 1) * 3000 + (i % 3)),
      true,
    ],
  ] as [string, number[], boolean][])(
    'detect() stays quiet after warm-up on %s',
    (_, values, counter) => {
      const results = run(values, counter)
      expect(alerts(results)).toEqual([])
      expect(Math.max(...results.map((r) => r.score))).toBeLessThan(defaultOptions.enter)
    },
  )

  it('detect() alerts only on the first nights of a spike that recurs at about the same time every day', () => {
    // A nightly job: +40 at 03:00, 03:05 or 03:10, two weeks long.
    const nightly = (i: number) => i % perDay === 36 + (Math.floor(i / perDay) % 3)
    const found = alerts(run(series(perDay * 14, (i, e) => 100 + e + (nightly(i) ? 40 : 0))))
    expect(found.length).toBeGreaterThan(0)
    expect(found.every(({ i }) => i < 2 * perDay)).toBe(true)
  })

  it('detect() scores a prefix of a NAB file exactly as the start of the whole file (no look-ahead)', () => {
    const lines = readFileSync(
      join(import.meta.dir, '../fixtures/anomaly/nab-iio-network-in.csv'),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
    const score = (rows: string[][]) => {
      const s = createSeries()
      return rows.map(([t, v]) => detect(s, parseTimestamp(t!), Number(v)).score)
    }
    const whole = score(lines)
    for (const k of [200, 700, 1000]) expect(score(lines.slice(0, k))).toEqual(whole.slice(0, k))
    expect(whole.some((s) => s >= defaultOptions.enter)).toBe(true)
  })

  it('detect() is deterministic: two series fed the same points give the same results', () => {
    const values = series(n, (i, e) => 100 + 10 * daily(i) + e + (i === at ? 30 : 0))
    expect(run(values)).toEqual(run(values))
  })

  it('stateBytes() stays under 1 KiB and does not grow with the points seen', () => {
    const s = createSeries()
    detect(s, start, 1)
    const early = stateBytes(s)
    series(n, (i, e) => 100 + e).forEach((v, i) => detect(s, start + (i + 1) * step, v))
    expect(stateBytes(s)).toBe(early)
    expect(early).toBeLessThanOrEqual(1024)
  })

  it('detect() skips missing, non-finite and out-of-order points without learning them', () => {
    const s = createSeries()
    detect(s, start, 10)
    for (const [t, v] of [
      [start + step, NaN],
      [start + step, Infinity],
      [start, 11],
      [start - step, 12],
    ])
      expect(detect(s, t!, v!)).toMatchObject({ score: 0, value: NaN })
    expect(s.n).toBe(1)
    expect(detect(s, start + step, 10).value).toBe(10)
  })

  it('detect() scores the per-second rate of a counter and skips the interval of a restart from zero', () => {
    const s = createSeries({ counter: true })
    expect(detect(s, start, 1000).value).toBeNaN()
    expect(detect(s, start + 10_000, 1500).value).toBe(50)
    // When in the interval the restart fell is unknown, so is the rate across it.
    expect(detect(s, start + 20_000, 200).value).toBeNaN()
    expect(detect(s, start + 30_000, 700).value).toBe(50)
  })

  it('detect() reports warmup, then normal, then anomalous with the score held below enter until it calms down', () => {
    const values = series(n, (i, e) => 100 + e + (i >= at && i < at + 20 ? 40 : 0))
    const results = run(values)
    expect(results[0]!.state).toBe('warmup')
    expect(results[defaultOptions.warmup + 1]!.state).toBe('normal')
    expect(results[at]).toMatchObject({ state: 'anomalous', alert: true })
    const episode = results.slice(at + 1, at + defaultOptions.refractory)
    expect(episode.every((r) => r.state === 'anomalous' && !r.alert)).toBe(true)
    expect(Math.max(...episode.map((r) => r.score))).toBeLessThanOrEqual(defaultOptions.exit)
    expect(Math.max(...episode.map((r) => r.raw))).toBeGreaterThanOrEqual(defaultOptions.enter)
    expect(results.at(-1)!.state).toBe('normal')
  })

  it('explain() names the component, the value, the expected band and how unusual it was', () => {
    const results = run(series(n, (i, e) => 100 + e + (i === at ? 15 : 0)))
    const r = results[at]!
    expect(r.expected.low).toBeLessThan(r.expected.value)
    expect(r.expected.high).toBeGreaterThan(r.expected.value)
    expect(r.value).toBeGreaterThan(r.expected.high)
    expect(explain(r)).toMatch(
      /^a spike: 11\d\.?\d* where [\d.]+ \([\d.]+–[\d.]+\) was expected, \d+\.\dσ, about once in [\d,]+ recent points \(score 0\.\d\d\)$/,
    )
  })
})
