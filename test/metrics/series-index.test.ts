import { describe, expect, it } from 'bun:test'
import { SeriesIndex } from '../../src/metrics/series-index.ts'
import type { Labels } from '../../src/metrics/types.ts'
import {
  defaultIngestLimits,
  labelsHash,
  validateSample,
  validSample,
  type ValidSample,
} from '../../src/metrics/validate.ts'

const cpu = (host: string): Labels => ({ __name__: 'cpu', host, mode: 'user' })

function withIndex(...sets: Labels[]) {
  const index = new SeriesIndex()
  const ids = sets.map((l) => index.create(l))
  return { index, ids }
}

describe('series-index', () => {
  it('find() returns the id of a validated sample of a known series, whatever its label order', () => {
    const { index, ids } = withIndex(cpu('a'), cpu('b'))
    const raw = { name: 'cpu', labels: { mode: 'user', host: 'b' }, value: 1, ts: 0 }
    const result = validateSample(raw, 0, { ...defaultIngestLimits, maxAgeMs: Infinity })
    if (!result.ok) throw new Error(result.message)
    expect(index.find(result.sample)).toBe(ids[1]!)
    expect(index.find(validSample(cpu('c'), 0, 1))).toBeUndefined()
  })

  it('find() checks the labels: a sample whose hash collides with a series is not that series', () => {
    const { index } = withIndex(cpu('a'))
    const other = validSample(cpu('z'), 0, 1)
    const collided: ValidSample = {
      labels: other.labels,
      key: other.key,
      t: 0,
      v: 1,
      hash: labelsHash(cpu('a')),
      sameSeries: (labels, count) => other.sameSeries(labels, count),
    }
    expect(index.find(collided)).toBeUndefined()
  })

  it.each([
    [cpu('a'), { ...cpu('a'), extra: 'x' }],
    [{ ...cpu('a'), extra: 'x' }, cpu('a')],
    [cpu('a'), { __name__: 'mem', host: 'a', mode: 'user' }],
  ])('sameSeries() refuses %j against stored %j', (sample, stored) => {
    const s = validSample(sample, 0, 1)
    expect(s.sameSeries(stored, Object.keys(stored).length)).toBe(false)
    expect(s.sameSeries(sample, Object.keys(sample).length)).toBe(true)
  })

  it('labelsHash() ignores label order and empty values, as series keys do', () => {
    expect(labelsHash({ __name__: 'm', b: '2', a: '1' })).toBe(
      labelsHash({ a: '1', __name__: 'm', b: '2', c: '' }),
    )
    expect(labelsHash({ __name__: 'm', a: '1' })).not.toBe(labelsHash({ __name__: 'm', a: '2' }))
    // The separators keep pairs apart: label a="bc" is not label ab="c".
    expect(labelsHash({ __name__: 'm', a: 'bc' })).not.toBe(labelsHash({ __name__: 'm', ab: 'c' }))
  })

  it('remove() forgets a series for find()', () => {
    const { index, ids } = withIndex(cpu('a'))
    index.remove(ids[0]!)
    expect(index.find(validSample(cpu('a'), 0, 1))).toBeUndefined()
  })
})
