import { describe, expect, it } from 'bun:test'
import { PromqlError } from '../../../src/metrics/promql/errors.ts'
import { instant, scalarOf, series, vectorOf } from './helpers.ts'

// One sample per series at t=0, queried at 10 s.
const data = [
  series({ __name__: 'x', host: 'a' }, [[0, 1]]),
  series({ __name__: 'x', host: 'b' }, [[0, 4]]),
  series({ __name__: 'requests', host: 'a' }, [[0, 10]]),
  series({ __name__: 'requests', host: 'b' }, [[0, 20]]),
  series({ __name__: 'errors', host: 'a' }, [[0, 1]]),
  series({ __name__: 'errors', host: 'b' }, [[0, 5]]),
  series({ __name__: 'errors_by_code', host: 'a', code: '500' }, [[0, 2]]),
  series({ __name__: 'errors_by_code', host: 'a', code: '502' }, [[0, 3]]),
  series({ __name__: 'up', job: 'a' }, [[0, 1]]),
  series({ __name__: 'up', job: 'b' }, [[0, 0]]),
  series({ __name__: 'up', job: 'c' }, [[0, 1]]),
  series({ __name__: 'alive', job: 'a' }, [[0, 1]]),
  series({ __name__: 'alive', job: 'd' }, [[0, 1]]),
]

const at = 10_000

describe('promql', () => {
  describe('operators', () => {
    it.each([
      ['2 * 3 + 1', '7'],
      // ^ is right-associative: 2 ^ (3 ^ 2) = 2 ^ 9 = 512, not (2 ^ 3) ^ 2 = 64.
      ['2 ^ 3 ^ 2', '512'],
      ['(2 ^ 3) ^ 2', '64'],
      // Unary minus binds looser than ^: -(2 ^ 2).
      ['-2 ^ 2', '-4'],
      ['1 + 2 * 3 - 4 / 2', '5'],
      // % is Go's math.Mod: the sign follows the dividend.
      ['10 % 3', '1'],
      ['-7 % 3', '-1'],
      ['1 / 0', '+Inf'],
      ['-1 / 0', '-Inf'],
      ['0 / 0', 'NaN'],
      // Go's math.Pow(1, NaN) is 1 where JS's 1 ** NaN is NaN.
      ['1 ^ NaN', '1'],
      ['0.1 + 0.2', '0.30000000000000004'],
      ['1e21', '1000000000000000000000'],
      ['2 > bool 1', '1'],
      ['1 == bool 2', '0'],
      ['NaN != bool NaN', '1'],
    ])('%s = %s', (query, expected) => {
      expect(scalarOf(instant(query, [], at))).toBe(expected)
    })

    it.each([
      // Arithmetic drops the metric name.
      ['x * 2', ['{host="a"} => 2', '{host="b"} => 8']],
      ['10 - x', ['{host="a"} => 9', '{host="b"} => 6']],
      ['-x', ['{host="a"} => -1', '{host="b"} => -4']],
      // Comparisons filter and keep the name and the vector's value, on either side.
      ['x > 3', ['{__name__="x",host="b"} => 4']],
      ['3 < x', ['{__name__="x",host="b"} => 4']],
      ['x == 1', ['{__name__="x",host="a"} => 1']],
      // bool turns the filter into 0/1 and drops the name.
      ['x > bool 3', ['{host="a"} => 0', '{host="b"} => 1']],
      ['3 >= bool x', ['{host="a"} => 1', '{host="b"} => 0']],
      // One-to-one matching on all labels but the name: 1/10 and 5/20.
      ['errors / requests', ['{host="a"} => 0.1', '{host="b"} => 0.25']],
      ['errors / on(host) requests', ['{host="a"} => 0.1', '{host="b"} => 0.25']],
      // on() keeps only the listed labels: code 500 matches host a (2/10).
      ['errors_by_code{code="500"} / on(host) requests', ['{host="a"} => 0.2']],
      // ignoring() drops the ignored labels from the result: 3/10.
      ['errors_by_code{code="502"} / ignoring(code) requests', ['{host="a"} => 0.3']],
      // Without the modifier the code label prevents any match.
      ['errors_by_code / requests', []],
      // Vector comparisons keep the left side's samples and values.
      [
        'requests > errors',
        ['{__name__="requests",host="a"} => 10', '{__name__="requests",host="b"} => 20'],
      ],
      ['errors > requests', []],
      ['errors > bool requests', ['{host="a"} => 0', '{host="b"} => 0']],
      // requests + 5·errors: a 10 + 5 = 15, b 20 + 25 = 45 (precedence * over +).
      ['requests + 5 * errors', ['{host="a"} => 15', '{host="b"} => 45']],
      // Set operators match many-to-many on all labels but the name.
      ['up and alive', ['{__name__="up",job="a"} => 1']],
      [
        'up or alive',
        [
          '{__name__="up",job="a"} => 1',
          '{__name__="up",job="b"} => 0',
          '{__name__="up",job="c"} => 1',
          '{__name__="alive",job="d"} => 1',
        ],
      ],
      ['up unless alive', ['{__name__="up",job="b"} => 0', '{__name__="up",job="c"} => 1']],
      // on() with no labels: every sample matches if the other side is non-empty.
      [
        'up and on() alive',
        [
          '{__name__="up",job="a"} => 1',
          '{__name__="up",job="b"} => 0',
          '{__name__="up",job="c"} => 1',
        ],
      ],
      [
        'up unless on() missing',
        [
          '{__name__="up",job="a"} => 1',
          '{__name__="up",job="b"} => 0',
          '{__name__="up",job="c"} => 1',
        ],
      ],
      // and binds tighter than or: up{a} or (up{b} and alive) = up{a} only.
      ['up{job="a"} or up{job="b"} and alive', ['{__name__="up",job="a"} => 1']],
      // Comparisons bind tighter than and: (up == 1) and alive.
      ['up == 1 and alive', ['{__name__="up",job="a"} => 1']],
      ['missing or alive', ['{__name__="alive",job="a"} => 1', '{__name__="alive",job="d"} => 1']],
      ['x + missing', []],
    ])('%s', (query, expected) => {
      expect(vectorOf(instant(query, data, at))).toEqual(expected)
    })

    it('refuses duplicate series on the one side (many-to-many)', () => {
      // Two errors_by_code series for host a match the same requests series.
      expect(() => instant('requests / ignoring(code) errors_by_code', data, at)).toThrow(
        'many-to-many matching not allowed: matching labels must be unique on one side',
      )
      expect(() => instant('requests / ignoring(code) errors_by_code', data, at)).toThrow(
        'found duplicate series for the match group {host="a"} on the right hand-side',
      )
      expect(() => instant('errors_by_code / ignoring(code) requests', data, at)).toThrow(
        'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
      )
      try {
        instant('requests / ignoring(code) errors_by_code', data, at)
      } catch (err) {
        expect(err).toBeInstanceOf(PromqlError)
      }
    })
  })
})
