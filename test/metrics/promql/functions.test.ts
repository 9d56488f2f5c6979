import { describe, expect, it } from 'bun:test'
import { PromqlError } from '../../../src/metrics/promql/errors.ts'
import { every, instant, scalarOf, series, vectorOf } from './helpers.ts'

// A counter sampled every 10 s from t=0 that resets between t=30 (30) and t=40 (5).
const c = series({ __name__: 'c', job: 'a' }, every(0, 10, [0, 10, 20, 30, 5, 15, 25]))
// A gauge sampled every 10 s from t=10 to t=60.
const g = series({ __name__: 'g', job: 'g' }, every(10, 10, [5, 3, 8, 2, 6, 4]))
// A counter that starts late (t=40) at a small value: extrapolation stops at its zero point.
const z = series({ __name__: 'z', job: 'z' }, every(40, 10, [5, 25, 45]))
// A counter that stops early (t=70): extrapolation at the end is limited to half an interval.
const e = series({ __name__: 'e', job: 'e' }, every(50, 10, [100, 110, 120]))
// Gauges for the math functions.
const n = series({ __name__: 'n', job: 'n' }, [[0, -1.5]])
const m = series({ __name__: 'm', job: 'm' }, [[0, 2.5]])
const data = [c, g, z, e, n, m]

describe('promql', () => {
  describe('functions', () => {
    it.each([
      // rate(c[1m]) at 60 s: window (0, 60] holds t=10..60: 10 20 30 5 15 25 (6 samples).
      // raw increase 25-10 = 15, plus 30 for the reset = 45; sampled interval 50 s, average 10 s,
      // threshold 11 s; 10 s to the window start (< 11, extrapolate fully; zero point is
      // 50·10/45 = 11.1 s away, not closer), 0 s to the end: 45 · 60/50 = 54; rate 54 / 60 = 0.9.
      ['rate(c[1m])', 60, ['{job="a"} => 0.9']],
      ['increase(c[1m])', 60, ['{job="a"} => 54']],
      // irate: the last two samples, 15 → 25 over 10 s = 1/s.
      ['irate(c[1m])', 60, ['{job="a"} => 1']],
      // irate across the reset at 40 s: 30 → 5 is a reset, so the increase is 5, over 10 s.
      ['irate(c[1m])', 40, ['{job="a"} => 0.5']],
      // rate(c[1m]) at 10 s: window (-50, 10] holds 0 @0 and 10 @10: increase 10 over 10 s.
      // 50 s to the start ≥ 11 → half an interval (5 s), but the zero point is 10·0/10 = 0 s
      // away, so no extrapolation at the start: 10 · (10+0+0)/10 = 10; rate 10/60.
      ['rate(c[1m])', 10, [`{job="a"} => ${10 / 60}`]],
      // One sample in the window is not enough for rate.
      ['rate(c[10s])', 60, []],
      // delta on the gauge: 4 - 5 = -1 (no reset handling), extrapolated 10 s to the start:
      // -1 · (50+10)/50 = -1.2.
      ['delta(g[1m])', 60, ['{job="g"} => -1.2']],
      // increase treats the gauge as a counter: drops 5→3, 8→2, 6→4 add 5+8+6: -1+19 = 18,
      // times the same 60/50 extrapolation.
      ['increase(g[1m])', 60, [`{job="g"} => ${18 * (60 / 50)}`]],
      // z: 5 25 45 at 40..60, window (0, 60]: increase 40 over 20 s (average 10 s). 40 s to the
      // start ≥ 11 → 5 s; the zero point is 20·5/40 = 2.5 s back, closer, so 2.5 s:
      // 40 · (20+2.5)/20 = 45 (and not 50); rate 45/60 = 0.75.
      ['increase(z[1m])', 60, ['{job="z"} => 45']],
      ['rate(z[1m])', 60, ['{job="z"} => 0.75']],
      // e: 100 110 120 at 50..70, evaluated at 100 s, window (40, 100]: increase 20 over 20 s.
      // 10 s to the start (< 11) extrapolates fully; 30 s to the end ≥ 11 → 5 s:
      // 20 · (20+10+5)/20 = 35.
      ['increase(e[1m])', 100, ['{job="e"} => 35']],
      // The *_over_time functions over g's 5 3 8 2 6 4.
      ['avg_over_time(g[1m])', 60, [`{job="g"} => ${28 / 6}`]],
      ['min_over_time(g[1m])', 60, ['{job="g"} => 2']],
      ['max_over_time(g[1m])', 60, ['{job="g"} => 8']],
      ['sum_over_time(g[1m])', 60, ['{job="g"} => 28']],
      ['count_over_time(g[1m])', 60, ['{job="g"} => 6']],
      // last_over_time is the one range function that keeps the metric name.
      ['last_over_time(g[1m])', 60, ['{__name__="g",job="g"} => 4']],
      // Windows are left-open: (10, 60] drops the sample at exactly t=10.
      ['count_over_time(g[50s])', 60, ['{job="g"} => 5']],
      // Sorted: 2 3 4 5 6 8. φ=0.5: rank 0.5·5 = 2.5 → 4·0.5 + 5·0.5 = 4.5.
      ['quantile_over_time(0.5, g[1m])', 60, ['{job="g"} => 4.5']],
      // φ=0.9: rank 0.9·5 = 4.5 → 6·0.5 + 8·0.5 = 7.
      ['quantile_over_time(0.9, g[1m])', 60, ['{job="g"} => 7']],
      // φ=0: the minimum; φ=1: the maximum; out of [0, 1]: ±Inf.
      ['quantile_over_time(0, g[1m])', 60, ['{job="g"} => 2']],
      ['quantile_over_time(1, g[1m])', 60, ['{job="g"} => 8']],
      ['quantile_over_time(-1, g[1m])', 60, ['{job="g"} => -Inf']],
      ['quantile_over_time(2, g[1m])', 60, ['{job="g"} => +Inf']],
      // Empty windows give no sample at all.
      ['max_over_time(g[1m])', 200, []],
      ['abs(n)', 60, ['{job="n"} => 1.5']],
      ['ceil(n)', 60, ['{job="n"} => -1']],
      ['floor(n)', 60, ['{job="n"} => -2']],
      // round rounds half up: floor(-1.5 + 0.5) = -1, floor(2.5 + 0.5) = 3.
      ['round(n)', 60, ['{job="n"} => -1']],
      ['round(m)', 60, ['{job="m"} => 3']],
      // round to a multiple: 2.5 / 2 = 1.25 → floor(1.75) = 1 → 1 · 2 = 2.
      ['round(m, 2)', 60, ['{job="m"} => 2']],
      ['clamp_min(n, 0)', 60, ['{job="n"} => 0']],
      ['clamp_max(m, 1)', 60, ['{job="m"} => 1']],
      ['clamp_min(m, 0)', 60, ['{job="m"} => 2.5']],
      ['vector(3)', 60, ['{} => 3']],
      // time() is the evaluation time in seconds: 60, so vector(time()) / 4 = 15.
      ['vector(time()) / 4', 60, ['{} => 15']],
      ['rate(missing[1m])', 60, []],
    ])('%s at %ps', (query, at, expected) => {
      expect(vectorOf(instant(query, data, at * 1000))).toEqual(expected)
    })

    it.each([
      ['time()', 90, '90'],
      // scalar() of a one-element vector is its value; of any other vector, NaN.
      ['scalar(n)', 60, '-1.5'],
      ['scalar({job=~"n|m"})', 60, 'NaN'],
      ['scalar(missing)', 60, 'NaN'],
      // 2.5 · 2 - (-1.5) = 6.5
      ['scalar(m) * 2 - scalar(n)', 60, '6.5'],
    ])('%s at %ps is %p', (query, at, expected) => {
      expect(scalarOf(instant(query, data, at * 1000))).toBe(expected)
    })

    it('refuses two series that become identical once the name is dropped', () => {
      const a = series({ __name__: 'a1', job: 'x' }, [
        [0, 1],
        [10, 2],
      ])
      const b = series({ __name__: 'a2', job: 'x' }, [
        [0, 1],
        [10, 2],
      ])
      expect(() => instant('rate({__name__=~"a.*"}[1m])', [a, b], 10_000)).toThrow(
        new PromqlError('vector cannot contain metrics with the same labelset'),
      )
      expect(() => instant('abs({__name__=~"a.*"})', [a, b], 10_000)).toThrow(
        'vector cannot contain metrics with the same labelset',
      )
      // last_over_time keeps the name, so both survive.
      expect(vectorOf(instant('last_over_time({__name__=~"a.*"}[1m])', [a, b], 10_000))).toEqual([
        '{__name__="a1",job="x"} => 2',
        '{__name__="a2",job="x"} => 2',
      ])
    })
  })
})
