import { describe, expect, it } from 'bun:test'
import { every, instant, range, series, vectorOf } from './helpers.ts'

// Four series of x, one sample each at t=0, queried at 10 s.
const x = [
  series({ __name__: 'x', host: 'a', dc: 'eu' }, [[0, 1]]),
  series({ __name__: 'x', host: 'b', dc: 'eu' }, [[0, 4]]),
  series({ __name__: 'x', host: 'c', dc: 'us' }, [[0, 2]]),
  series({ __name__: 'x', host: 'd', dc: 'us' }, [[0, 8]]),
]

describe('promql', () => {
  describe('aggregations', () => {
    it.each([
      // 1 + 4 + 2 + 8 = 15, no labels left.
      ['sum(x)', ['{} => 15']],
      // eu: 1 + 4 = 5, us: 2 + 8 = 10.
      ['sum by (dc) (x)', ['{dc="eu"} => 5', '{dc="us"} => 10']],
      ['sum(x) by (dc)', ['{dc="eu"} => 5', '{dc="us"} => 10']],
      // without drops the listed labels and the metric name.
      ['sum without (host) (x)', ['{dc="eu"} => 5', '{dc="us"} => 10']],
      // by a label nobody has: one group with no labels.
      ['sum by (zone) (x)', ['{} => 15']],
      // by keeps __name__ only if asked for.
      ['max by (__name__) (x)', ['{__name__="x"} => 8']],
      // eu: (1 + 4) / 2 = 2.5, us: (2 + 8) / 2 = 5; all: 15 / 4 = 3.75.
      ['avg by (dc) (x)', ['{dc="eu"} => 2.5', '{dc="us"} => 5']],
      ['avg(x)', ['{} => 3.75']],
      ['min by (dc) (x)', ['{dc="eu"} => 1', '{dc="us"} => 2']],
      ['max by (dc) (x)', ['{dc="eu"} => 4', '{dc="us"} => 8']],
      ['count without (host) (x)', ['{dc="eu"} => 2', '{dc="us"} => 2']],
      ['count(x)', ['{} => 4']],
      // topk/bottomk keep the original series, labels and name included, largest first.
      [
        'topk(2, x)',
        ['{__name__="x",dc="us",host="d"} => 8', '{__name__="x",dc="eu",host="b"} => 4'],
      ],
      ['bottomk(1, x)', ['{__name__="x",dc="eu",host="a"} => 1']],
      [
        'topk by (dc) (1, x)',
        ['{__name__="x",dc="eu",host="b"} => 4', '{__name__="x",dc="us",host="d"} => 8'],
      ],
      // k larger than the group returns the whole group; k < 1 returns nothing.
      [
        'bottomk(9, x{dc="eu"})',
        ['{__name__="x",dc="eu",host="a"} => 1', '{__name__="x",dc="eu",host="b"} => 4'],
      ],
      ['topk(0, x)', []],
      // k is truncated like Go's int64(): 1.9 → 1.
      ['topk(1.9, x)', ['{__name__="x",dc="us",host="d"} => 8']],
      // Sorted 1 2 4 8, φ=0.5: rank 0.5·3 = 1.5 → 2·0.5 + 4·0.5 = 3.
      ['quantile(0.5, x)', ['{} => 3']],
      // φ=0.9: rank 2.7 → 4·0.3 + 8·0.7 = 6.8 (computed in floats).
      ['quantile(0.9, x)', [`{} => ${4 * (1 - (2.7 - 2)) + 8 * (2.7 - 2)}`]],
      // eu: 1 4, φ=0.5 → 2.5; us: 2 8 → 5.
      ['quantile by (dc) (0.5, x)', ['{dc="eu"} => 2.5', '{dc="us"} => 5']],
      ['quantile(-0.5, x)', ['{} => -Inf']],
      ['quantile(1.5, x)', ['{} => +Inf']],
      // Aggregating nothing gives nothing (not a zero).
      ['sum(missing)', []],
      ['count(missing)', []],
      // Aggregations compose: the largest dc sum is us with 10.
      ['topk(1, sum by (dc) (x))', ['{dc="us"} => 10']],
    ])('%s', (query, expected) => {
      expect(vectorOf(instant(query, x, 10_000))).toEqual(expected)
    })

    it('breaks topk ties by input order, deterministically', () => {
      const tied = [
        series({ __name__: 't', id: '1' }, [[0, 5]]),
        series({ __name__: 't', id: '2' }, [[0, 5]]),
        series({ __name__: 't', id: '3' }, [[0, 5]]),
      ]
      for (let i = 0; i < 3; i++) {
        expect(vectorOf(instant('topk(2, t)', tied, 0))).toEqual([
          '{__name__="t",id="1"} => 5',
          '{__name__="t",id="2"} => 5',
        ])
      }
    })

    it('picks topk per step in a range query', () => {
      // p rises 1 2 3, q falls 3 2 1 (every 10 s): the top series changes at the middle step.
      const p = series({ __name__: 'v', s: 'p' }, every(0, 10, [1, 2, 3]))
      const q = series({ __name__: 'v', s: 'q' }, every(0, 10, [3, 2, 0]))
      // At 0 s q leads (3 > 1); at 10 s they tie at 2 and the first in label order (p) wins;
      // at 20 s p leads (3 > 0).
      const result = range('topk(1, v)', [p, q], 0, 20_000, 10_000)
      expect(result.result).toEqual([
        {
          metric: { __name__: 'v', s: 'p' },
          values: [
            [10, '2'],
            [20, '3'],
          ],
        },
        { metric: { __name__: 'v', s: 'q' }, values: [[0, '3']] },
      ])
    })
  })
})
