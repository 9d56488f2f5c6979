import { describe, expect, it } from 'bun:test'
import { evaluateInstant, evaluateRange } from '../../../src/metrics/promql/evaluate.ts'
import { parse } from '../../../src/metrics/promql/parser.ts'
import { rangeTuning } from '../../../src/metrics/promql/range.ts'
import { every, instant, labelString, lookback, range, series, vectorOf } from './helpers.ts'

// o: 1 @0 s, 2 @60 s, 3 @120 s.
const o = series({ __name__: 'o', job: 'o' }, [
  [0, 1],
  [60, 2],
  [120, 3],
])
// s: 1 @0 s, 2 @30 s, then a staleness marker (NaN) @60 s: the target went away.
const s = series({ __name__: 's', job: 's' }, [
  [0, 1],
  [30, 2],
  [60, NaN],
])
// k: the same without the marker; it only disappears when the 5 m lookback runs out.
const k = series({ __name__: 'k', job: 'k' }, [
  [0, 1],
  [30, 2],
])
const data = [o, s, k]

describe('promql', () => {
  describe('selectors', () => {
    it.each([
      ['o', 120, ['{__name__="o",job="o"} => 3']],
      // offset shifts the evaluation time back: 120 - 60 = 60 → 2, 120 - 120 = 0 → 1.
      ['o offset 1m', 120, ['{__name__="o",job="o"} => 2']],
      ['o offset 2m', 120, ['{__name__="o",job="o"} => 1']],
      // A negative offset looks ahead: 60 + 60 = 120 → 3.
      ['o offset -1m', 60, ['{__name__="o",job="o"} => 3']],
      // Range with offset: window (0, 60] at 120 s shifted by 1 m holds only 2 @60.
      ['sum_over_time(o[1m] offset 1m)', 120, ['{job="o"} => 2']],
      // Comparing now with an hour ago style: 3 - 2 = 1.
      ['o - o offset 1m', 120, ['{job="o"} => 1']],
      // Before the marker the latest value is used.
      ['s', 59, ['{__name__="s",job="s"} => 2']],
      // The staleness marker ends the series at once, long before the lookback would.
      ['s', 60, []],
      ['s', 90, []],
      // Range functions skip the marker: (0, 60] holds 2 @30 only (the NaN is not counted).
      ['count_over_time(s[1m])', 60, ['{job="s"} => 1']],
      ['max_over_time(s[2m])', 60, ['{job="s"} => 2']],
      // Without a marker the last sample (2 @30) is used for up to 5 m...
      ['k', 329, ['{__name__="k",job="k"} => 2']],
      // ...and the lookback window (t - 5m, t] is left-open: at 330 s the sample at 30 s is out.
      ['k', 330, []],
      // A selector before the first sample sees nothing.
      ['o', -1, []],
      ['nothing_here', 60, []],
    ])('%s at %ps', (query, at, expected) => {
      expect(vectorOf(instant(query, data, at * 1000))).toEqual(expected)
    })

    it('answers a range query with a matrix, one point per step, stale points omitted', () => {
      // Steps 0 30 60 90 120: s is 1, 2, then stale from 60 s on.
      expect(range('s', data, 0, 120_000, 30_000)).toEqual({
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 's', job: 's' },
            values: [
              [0, '1'],
              [30, '2'],
            ],
          },
        ],
      })
    })

    it('sorts range results by labels and omits series without points', () => {
      const a = series({ __name__: 'm', i: '2' }, every(0, 10, [1, 2, 3]))
      const b = series({ __name__: 'm', i: '1' }, every(0, 10, [4, 5, 6]))
      // b has i="1" and sorts first; at 20 s only b exceeds 4.5.
      const result = range('m > 4.5', [a, b], 0, 20_000, 10_000)
      expect(result.result).toEqual([
        {
          metric: { __name__: 'm', i: '1' },
          values: [
            [10, '5'],
            [20, '6'],
          ],
        },
      ])
      expect(range('m > 100', [a, b], 0, 20_000, 10_000)).toEqual({
        resultType: 'matrix',
        result: [],
      })
    })

    it('gives scalars in range queries one series without labels', () => {
      // Steps at 0, 15 and 30 s (45 s would pass the end): time() is the step in seconds.
      expect(range('time() * 2', [], 0, 40_000, 15_000)).toEqual({
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [0, '0'],
              [15, '30'],
              [30, '60'],
            ],
          },
        ],
      })
    })

    it('answers instant queries with Prometheus result types', () => {
      expect(instant('1 + 1', [], 12_500)).toEqual({ resultType: 'scalar', result: [12.5, '2'] })
      expect(instant('"hello"', [], 1000)).toEqual({ resultType: 'string', result: [1, 'hello'] })
      expect(instant('o', data, 90_000)).toEqual({
        resultType: 'vector',
        result: [{ metric: { __name__: 'o', job: 'o' }, value: [90, '2'] }],
      })
      // A range selector at an instant returns the raw samples in (t - range, t], stale ones
      // excluded, with their own timestamps.
      expect(instant('s[2m]', data, 90_000)).toEqual({
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 's', job: 's' },
            values: [
              [0, '1'],
              [30, '2'],
            ],
          },
        ],
      })
    })

    // Irregular samples with gaps, a reset and staleness markers, to check that a range query
    // (which walks windows forward step by step) agrees with an instant query at every step.
    const irregular = [
      series({ __name__: 'r', i: '1' }, [
        [0, 1],
        [7, 3],
        [9, 4],
        [31, 2],
        [33, NaN],
        [95, 5],
        [96, 9],
        [200, 11],
      ]),
      series({ __name__: 'r', i: '2' }, every(3, 13, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13])),
      series({ __name__: 'r', i: '3' }, [
        [50, 1],
        [51, NaN],
        [120, 4],
        [121, 6],
      ]),
    ]
    it.each([
      'r',
      'r offset 20s',
      'rate(r[30s])',
      'increase(r[45s] offset -10s)',
      'irate(r[20s])',
      'count_over_time(r[25s])',
      'quantile_over_time(0.3, r[40s])',
      'sum by (i) (delta(r[1m])) > bool 0',
      'max_over_time(r[17s]) - min_over_time(r[17s])',
    ])('range query %s matches instant queries at every step', (query) => {
      const start = -10_000
      const step = 7_000
      // Range functions are computed in blocks of steps; also try blocks of 1 and 6 steps.
      const matrices = [1 << 20, 5, 20].map((cells) => {
        rangeTuning.maxBlockCells = cells
        try {
          return range(query, irregular, start, 230_000, step)
        } finally {
          rangeTuning.maxBlockCells = 1 << 20
        }
      })
      expect(matrices[1]).toEqual(matrices[0]!)
      expect(matrices[2]).toEqual(matrices[0]!)
      const matrix = matrices[0]!
      for (let t = start; t <= 230_000; t += step) {
        const expected = vectorOf(instant(query, irregular, t)).sort()
        const actual = matrix.result
          .flatMap((s) =>
            s.values
              .filter(([at]) => at === t / 1000)
              .map(([, v]) => `${labelString(s.metric)} => ${v}`),
          )
          .sort()
        expect(actual).toEqual(expected)
      }
    })

    it('treats selections missing from the data as empty', () => {
      expect(evaluateInstant(parse('up'), new Map(), { time: 0, lookbackMs: lookback })).toEqual({
        resultType: 'vector',
        result: [],
      })
    })

    it.each([
      ['x[5m]', 'invalid expression type "range vector" for range query'],
      ['"s"', 'invalid expression type "string" for range query'],
    ])('refuses %s as a range query', (query, message) => {
      expect(() => range(query, [], 0, 60_000, 15_000)).toThrow(message)
    })

    it('refuses bad range parameters', () => {
      const expr = parse('x')
      const data = new Map()
      const base = { start: 0, end: 60_000, step: 15_000, lookbackMs: lookback }
      expect(() => evaluateRange(expr, data, { ...base, step: 0 })).toThrow('step')
      expect(() => evaluateRange(expr, data, { ...base, end: -1 })).toThrow('before start')
      expect(() => evaluateRange(expr, data, { ...base, end: 1e9, step: 1 })).toThrow('11,000')
    })
  })
})
