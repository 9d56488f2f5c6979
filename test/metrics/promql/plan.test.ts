import { describe, expect, it } from 'bun:test'
import { formatValue } from '../../../src/metrics/promql/format.ts'
import { parse } from '../../../src/metrics/promql/parser.ts'
import { selectionKey, selectionsOf } from '../../../src/metrics/promql/plan.ts'
import { seek, upperBound } from '../../../src/metrics/promql/series.ts'

const start = 1_000_000
const end = 2_000_000
const lookback = 300_000

function windows(query: string): [string, number, number][] {
  return selectionsOf(parse(query), start, end, lookback).map((r) => [
    r.matchers.map((m) => `${m.name}${m.op}${m.value}`).join(','),
    r.start,
    r.end,
  ])
}

describe('promql', () => {
  describe('selectionsOf', () => {
    it.each([
      // Instant selector: [start - lookback, end] = [1 000 000 - 300 000, 2 000 000].
      ['x', [['__name__=x', 700_000, 2_000_000]]],
      // Offset shifts both ends back: [700 000 - 30 000, 2 000 000 - 30 000].
      ['x offset 30s', [['__name__=x', 670_000, 1_970_000]]],
      // Negative offset shifts forward.
      ['x offset -1m', [['__name__=x', 760_000, 2_060_000]]],
      // Range selector: [start - range, end] = [1 000 000 - 600 000, 2 000 000].
      ['rate(x[10m])', [['__name__=x', 400_000, 2_000_000]]],
      // Range and offset: [1 000 000 - 300 000 - 60 000, 2 000 000 - 60 000].
      ['rate(x[5m] offset 1m)', [['__name__=x', 640_000, 1_940_000]]],
      // Identical selections are asked for once, whatever the matcher order.
      ['x + x', [['__name__=x', 700_000, 2_000_000]]],
      ['x{a="1",b="2"} / x{b="2",a="1"}', [['__name__=x,a=1,b=2', 700_000, 2_000_000]]],
      // Different windows of the same series are separate requests; rate(x[5m]) needs exactly
      // the window of the instant x (range = lookback), so it is shared.
      [
        'x - x offset 1h + rate(x[5m])',
        [
          ['__name__=x', 700_000, 2_000_000],
          ['__name__=x', -2_900_000, -1_600_000],
        ],
      ],
      [
        'sum by (a) (rate(x{job=~"api.*"}[1m])) / on(a) count by (a) (up != 0)',
        [
          ['__name__=x,job=~api.*', 940_000, 2_000_000],
          ['__name__=up', 700_000, 2_000_000],
        ],
      ],
      ['quantile_over_time(0.9, {job="j"}[2m])', [['job=j', 880_000, 2_000_000]]],
      // topk's parameter can hold selectors too.
      [
        'topk(scalar(k), x)',
        [
          ['__name__=k', 700_000, 2_000_000],
          ['__name__=x', 700_000, 2_000_000],
        ],
      ],
      ['1 + time()', []],
    ])('%s', (query, expected) => {
      expect(windows(query)).toEqual(expected as [string, number, number][])
    })

    it('keys requests stably, independent of matcher order', () => {
      const a = {
        matchers: [
          { name: 'a', op: '=' as const, value: '1' },
          { name: 'b', op: '!=' as const, value: '2' },
        ],
        start: 1,
        end: 2,
      }
      const b = { matchers: [a.matchers[1]!, a.matchers[0]!], start: 1, end: 2 }
      expect(selectionKey(a)).toBe(selectionKey(b))
      expect(selectionKey(a)).not.toBe(selectionKey({ ...a, end: 3 }))
      expect(selectionKey(a)).not.toBe(
        selectionKey({ ...a, matchers: [{ name: 'a', op: '=~', value: '1' }] }),
      )
    })
  })

  describe('seek', () => {
    it('finds the same index as a binary search from any hint', () => {
      const ts = Float64Array.from([0, 10, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130])
      for (let t = -5; t <= 140; t += 5) {
        const want = upperBound(ts, t)
        expect(want).toBe(
          ts.findIndex((x) => x > t) === -1 ? ts.length : ts.findIndex((x) => x > t),
        )
        for (let from = 0; from <= ts.length + 1; from++) expect(seek(ts, from, t)).toBe(want)
      }
    })
  })

  describe('formatValue', () => {
    it.each([
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [-2.5, '-2.5'],
      [0.1, '0.1'],
      [1 / 3, '0.3333333333333333'],
      [1e21, '1000000000000000000000'],
      [1.5e22, '15000000000000000000000'],
      [-1e21, '-1000000000000000000000'],
      [1e-7, '0.0000001'],
      [1.25e-10, '0.000000000125'],
      [123456789.125, '123456789.125'],
      [Number.MAX_SAFE_INTEGER, '9007199254740991'],
      [5e-324, `0.${'0'.repeat(323)}5`],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ])('formats %p as %p', (v, text) => {
      expect(formatValue(v)).toBe(text)
    })
  })
})
