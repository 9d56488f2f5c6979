import { describe, expect, it } from 'bun:test'
import { evaluateRange } from '../../../src/metrics/promql/evaluate.ts'
import type { SeriesData } from '../../../src/metrics/types.ts'
import { fetch, lookback } from './helpers.ts'

// 1000 counters over one hour, one sample every 10 s (t = 0 … 3590 s, 360 samples each), spread
// over 10 hosts. Series i grows by (i mod 7) + 1 per sample; every 13th series resets to 0 at
// sample 200 (t = 2000 s).
const seriesCount = 1000
const samplesPerSeries = 360
const all: SeriesData[] = []
for (let i = 0; i < seriesCount; i++) {
  const inc = (i % 7) + 1
  const samples = []
  for (let k = 0; k < samplesPerSeries; k++) {
    const reset = i % 13 === 0 && k >= 200
    samples.push({ t: k * 10_000, v: (reset ? k - 200 : k) * inc })
  }
  all.push({ labels: { __name__: 'x', host: `h${i % 10}`, instance: `i${i}` }, samples })
}

describe('promql', () => {
  describe('smoke', () => {
    it('evaluates sum by (host) (rate(x[5m])) over 1000 series × 1 h at a 15 s step', () => {
      const query = 'sum by (host) (rate(x[5m]))'
      const start = 0
      const end = 3_600_000
      const step = 15_000
      const { expr, data } = fetch(query, all, start, end)
      const began = performance.now()
      const result = evaluateRange(expr, data, { start, end, step, lookbackMs: lookback })
      const elapsed = performance.now() - began
      console.log(
        `smoke: ${query} over ${seriesCount} series × 241 steps in ${elapsed.toFixed(1)} ms`,
      )

      // One series per host; the step at 0 s has a single sample per window, so no rate: the
      // points are the 240 steps 15 s … 3600 s.
      expect(result.resultType).toBe('matrix')
      expect(result.result.map((s) => s.metric)).toEqual(
        Array.from({ length: 10 }, (_, h) => ({ host: `h${h}` })),
      )
      for (const s of result.result) {
        expect(s.values).toHaveLength(240)
        expect(s.values[0]![0]).toBe(15)
        expect(s.values.at(-1)![0]).toBe(3600)
      }

      // At 1815 s the window (1515, 1815] holds the 30 samples 1520 … 1810 s, 5 s from each
      // edge (less than 1.1 × the 10 s interval), so each series' increase of 29·inc over 290 s
      // extrapolates to 30·inc over the 300 s range: rate = inc / 10. No reset is in the window.
      // host h0 holds series 0, 10, …, 990.
      let expected = 0
      for (let i = 0; i < seriesCount; i += 10) expected += ((i % 7) + 1) / 10
      const h0 = result.result.find((s) => s.metric.host === 'h0')!
      const at1815 = h0.values.find(([t]) => t === 1815)!
      expect(Number(at1815[1])).toBeCloseTo(expected, 9)

      // At 2005 s the window (1705, 2005] holds samples 171 … 200 (1710 … 2000 s). The series
      // that reset (i mod 13 = 0) go 171·inc … 199·inc, then 0: increase 0 - 171·inc, plus
      // 199·inc for the reset = 28·inc (the step to 0 counts as 0), extrapolated by 300/290 and
      // divided by 300 s: 28·inc / 290. The others still give inc / 10. In h0 the resetting
      // series are 0, 130, 260, … (multiples of 130).
      let expectedWithResets = 0
      for (let i = 0; i < seriesCount; i += 10) {
        const inc = (i % 7) + 1
        expectedWithResets += i % 13 === 0 ? (28 * inc) / 290 : inc / 10
      }
      const at2010 = h0.values.find(([t]) => t === 2010)!
      expect(Number(at2010[1])).toBeCloseTo(expectedWithResets, 9)
      expect(expectedWithResets).not.toBeCloseTo(expected, 3)

      expect(elapsed).toBeLessThan(1000)
    })
  })
})
