import { describe, expect, it } from 'bun:test'
import { CounterSet } from '../../src/ingest/series.ts'

describe('series', () => {
  it('CounterSet.samples() returns one cumulative sample per label set at the given time', () => {
    const counts = new CounterSet()
    counts.add({ service: 'api', level: 'info' }, 3)
    counts.add({ service: 'api', level: 'info' })
    counts.add({ service: 'web', level: 'error' })
    expect(counts.samples('vigil_log_lines_total', 1000).map((s) => [s.key, s.v, s.t])).toEqual([
      ['vigil_log_lines_total{level="info",service="api"}', 4, 1000],
      ['vigil_log_lines_total{level="error",service="web"}', 1, 1000],
    ])
  })

  it('CounterSet.add() counts label sets beyond the cap under _other, so series stay bounded', () => {
    const counts = new CounterSet(2)
    for (const service of ['a', 'b', 'c', 'd']) counts.add({ service })
    counts.add({ service: 'a' })
    expect(counts.samples('x', 0).map((s) => [s.labels.service, s.v])).toEqual([
      ['a', 2],
      ['b', 1],
      ['_other', 2],
    ])
  })
})
