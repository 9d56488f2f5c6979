import { describe, expect, it, test } from 'bun:test'
import { silenceMatches, silenceState, silencing } from '../../src/incidents/silence.ts'
import type { LabelMatcher, Silence } from '../../src/incidents/types.ts'

const labels = { service: 'web', env: 'prod-eu', host: 'web-1' }

describe('silence', () => {
  test.each<[string, LabelMatcher[], boolean]>([
    ['= on an equal value', [{ name: 'service', op: '=', value: 'web' }], true],
    ['= on another value', [{ name: 'service', op: '=', value: 'api' }], false],
    ['= "" on a missing label', [{ name: 'zone', op: '=', value: '' }], true],
    ['!= on another value', [{ name: 'service', op: '!=', value: 'api' }], true],
    ['!= on the same value', [{ name: 'service', op: '!=', value: 'web' }], false],
    ['=~ anchored to the whole value', [{ name: 'env', op: '=~', value: 'prod-.*' }], true],
    ['=~ that matches only a part', [{ name: 'env', op: '=~', value: 'prod' }], false],
    ['!~ on a non-matching value', [{ name: 'env', op: '!~', value: 'staging.*' }], true],
    ['!~ on a matching value', [{ name: 'env', op: '!~', value: 'prod.*' }], false],
    [
      'all matchers must hold',
      [
        { name: 'service', op: '=', value: 'web' },
        { name: 'host', op: '=', value: 'web-2' },
      ],
      false,
    ],
  ])('silenceMatches() %s', (_name, matchers, want) => {
    expect(silenceMatches({ matchers }, labels)).toBe(want)
  })

  it('silenceMatches() is false with no matchers at all', () => {
    expect(silenceMatches({ matchers: [] }, labels)).toBe(false)
  })

  test.each([
    [999, 'pending'],
    [1000, 'active'],
    [1999, 'active'],
    [2000, 'expired'],
  ] as const)('silenceState() at %d is %s', (now, want) => {
    expect(silenceState({ startsAt: 1000, endsAt: 2000 }, now)).toBe(want)
  })

  it('silencing() picks the active match that ends last and skips pending ones', () => {
    const base = { comment: '', createdBy: 'x', createdAt: 0, expiredBy: null }
    const m: LabelMatcher[] = [{ name: 'service', op: '=', value: 'web' }]
    const list: Silence[] = [
      { ...base, id: 1, matchers: m, startsAt: 0, endsAt: 5000 },
      { ...base, id: 2, matchers: m, startsAt: 0, endsAt: 9000 },
      { ...base, id: 3, matchers: m, startsAt: 3000, endsAt: 99_000 },
    ]
    expect(silencing(list, labels, 1000)?.id).toBe(2)
    expect(silencing(list, labels, 9500)?.id).toBe(3)
    expect(silencing(list, labels, 100_000)).toBeUndefined()
  })
})
